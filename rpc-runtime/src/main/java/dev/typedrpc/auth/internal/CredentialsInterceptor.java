package dev.typedrpc.auth.internal;

import dev.typedrpc.CallObserver;
import dev.typedrpc.ClientInterceptor;
import dev.typedrpc.Metadata;
import dev.typedrpc.OutgoingCall;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.auth.Authenticator;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/** Adds {@code authorization: <scheme> <credentials>} to each call, over TLS or loopback only. */
public final class CredentialsInterceptor implements ClientInterceptor {
  /** Schemes whose connections are not encrypted. */
  private static final Set<String> CLEARTEXT = Set.of("ws", "sse", "h2c", "http");

  private final String scheme;
  private final Supplier<String> credentials;

  public CredentialsInterceptor(String scheme, Supplier<String> credentials) {
    Metadata.checkTextValue(Authenticator.AUTHORIZATION, scheme);
    if (scheme.isEmpty() || scheme.contains(" ")) {
      throw new IllegalArgumentException(
          "an authentication scheme is one word, was '" + scheme + "'");
    }
    this.scheme = scheme;
    this.credentials = Objects.requireNonNull(credentials, "credentials");
  }

  @Override
  public CallObserver interceptCall(OutgoingCall call) {
    refuseCleartext(call);
    String value;
    try {
      value = credentials.get();
    } catch (RuntimeException e) {
      throw new RpcException(
          Status.UNAUTHENTICATED.withDescription(
              "could not get credentials for the call: " + e.getClass().getSimpleName()));
    }
    if (value == null || value.isEmpty()) {
      throw new RpcException(
          Status.UNAUTHENTICATED.withDescription(
              "no credentials for the call (the supplier gave none)"));
    }
    try {
      call.addHeader(Authenticator.AUTHORIZATION, scheme + " " + value);
    } catch (IllegalArgumentException e) { // not an HTTP field value: do not quote it
      throw new RpcException(
          Status.UNAUTHENTICATED.withDescription(
              "credentials are not printable ASCII (an HTTP field value)"));
    }
    return CallObserver.NONE;
  }

  /** Fails {@code call} with UNAUTHENTICATED if it goes over cleartext to another host. */
  static void refuseCleartext(OutgoingCall call) {
    URI target = call.target();
    if (!secure(target)) {
      throw new RpcException(
          Status.UNAUTHENTICATED.withDescription(
              "credentials are not sent over cleartext to "
                  + target.getScheme()
                  + "://"
                  + target.getRawAuthority()
                  + ": use TLS (wss, sses, h2)"));
    }
  }

  private static boolean secure(URI target) {
    String s = target.getScheme();
    if (s == null || !CLEARTEXT.contains(s)) {
      return true; // TLS, or the in-memory transport
    }
    String host = target.getHost();
    if (host == null) {
      // an address list (host:port,host:port): every address must be loopback
      String authority = target.getRawAuthority();
      if (authority == null || !authority.contains(",") || authority.contains("@")) {
        return false;
      }
      for (String address : authority.split(",", -1)) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || !loopback(address.substring(0, colon))) {
          return false;
        }
      }
      return true;
    }
    return loopback(host);
  }

  private static boolean loopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    try {
      // a literal address only: no name lookup on the call path
      return host.matches("[0-9.]+|\\[[0-9a-fA-F:.]+\\]")
          && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
