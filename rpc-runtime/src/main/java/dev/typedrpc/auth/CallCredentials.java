package dev.typedrpc.auth;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ClientInterceptor;
import dev.typedrpc.auth.internal.CredentialsInterceptor;
import dev.typedrpc.auth.internal.ForwardingCredentialsInterceptor;
import java.util.function.Supplier;

/**
 * Client interceptors that attach credentials to every call, in the {@code authorization} request
 * metadata: for a whole channel ({@link ChannelOptions#withInterceptors}) or the calls of one stub
 * ({@link CallOptions#withInterceptors}).
 *
 * <pre>{@code
 * RpcChannel channel = RpcChannel.connect(URI.create("wss://api.example.com/rpc"),
 *     ChannelOptions.DEFAULT.withInterceptors(CallCredentials.bearer(tokens::current)));
 * }</pre>
 *
 * The supplier runs for each call on the thread that starts it, so it can hand out a refreshed
 * token; it should be fast (cache the token). If it fails or returns null the call fails with
 * {@code UNAUTHENTICATED} before anything is sent. Credentials are sent only over TLS ({@code wss},
 * {@code sses}, {@code h2}) or to a loopback address or the in-memory transport: a call to a
 * cleartext address of another host fails with {@code UNAUTHENTICATED} instead of exposing them, as
 * in gRPC. Metadata never prints the {@code authorization} value ({@code toString}).
 */
public final class CallCredentials {
  private CallCredentials() {}

  /** {@code authorization: Bearer <token>} (RFC 6750). */
  public static ClientInterceptor bearer(Supplier<String> token) {
    return scheme("Bearer", token);
  }

  /**
   * Forwards the caller's credentials: a call made while serving a call (on its thread, or in code
   * wrapped with {@link dev.typedrpc.RpcContext#wrap}) carries that call's {@code authorization}
   * value, so the next server authenticates the same principal (a token relay). A call made outside
   * a server call, or while serving one that carried no {@code authorization} (anonymous, or
   * authenticated by its client certificate), goes without. Give it only to channels whose servers
   * may see your callers' credentials; the TLS-or-loopback rule above holds.
   *
   * <pre>{@code
   * RpcChannel inventory = RpcChannel.connect(URI.create("wss://inventory.internal/rpc"),
   *     ChannelOptions.DEFAULT.withInterceptors(CallCredentials.forwardIncoming()));
   * }</pre>
   */
  public static ClientInterceptor forwardIncoming() {
    return ForwardingCredentialsInterceptor.INSTANCE;
  }

  /** {@code authorization: <scheme> <credentials>}, e.g. {@code scheme("ApiKey", () -> key)}. */
  public static ClientInterceptor scheme(String scheme, Supplier<String> credentials) {
    return new CredentialsInterceptor(scheme, credentials);
  }
}
