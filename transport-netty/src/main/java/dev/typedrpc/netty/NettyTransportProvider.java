package dev.typedrpc.netty;

import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.ServerTransport;
import dev.typedrpc.spi.TransportProvider;
import dev.typedrpc.spi.TransportSettings;
import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * The typedrpc frame protocol over WebSocket binary messages and over Server-Sent Events + POST, and gRPC's
 * protocol over HTTP/2, on Netty.
 *
 * <p>A server listens at {@code ws://host:port/path} (path default {@code /rpc}; port 0 picks a free port) and
 * serves all three on that port, telling them apart by each connection's first bytes and requests: WebSocket
 * upgrades on the path, SSE on {@code <path>/sse}, HTTP/2 by its connection preface. Adding
 * {@code ?grpc-compression=gzip} makes it gzip gRPC responses for clients that accept gzip.
 *
 * <p>A client connects with {@code ws://host:port/path} (WebSocket), {@code sse://host:port/path} (Server-Sent
 * Events + POST, for networks that pass nothing but plain HTTP/1.1 requests) or {@code h2c://host:port} (gRPC over
 * cleartext HTTP/2 with prior knowledge, to a typedrpc or any gRPC server; {@code ?grpc-compression=gzip}
 * compresses requests).
 *
 * <p>{@code wss:} is claimed so that it fails with a clear message rather than "no transport": TLS is not
 * supported yet. Thread-safe and stateless.
 */
public final class NettyTransportProvider implements TransportProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public NettyTransportProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("ws", "wss", "sse", H2cTarget.SCHEME);
  }

  @Override
  public ClientTransport newClientTransport(URI target, TransportSettings settings) {
    Objects.requireNonNull(settings, "settings");
    if (target != null && H2cTarget.SCHEME.equalsIgnoreCase(target.getScheme())) {
      return new H2ClientTransport(H2cTarget.parse(target), settings);
    }
    WsEndpoint endpoint = WsEndpoint.parse(target);
    return "sse".equalsIgnoreCase(target.getScheme())
        ? new SseClientTransport(endpoint, settings)
        : new NettyClientTransport(endpoint, settings);
  }

  @Override
  public ServerTransport newServerTransport(URI address, TransportSettings settings) {
    Objects.requireNonNull(settings, "settings");
    if (address != null && H2cTarget.SCHEME.equalsIgnoreCase(address.getScheme())) {
      throw new IllegalArgumentException(
          "listen on a ws:// address (e.g. ws://0.0.0.0:7070/rpc): the same port also serves gRPC over h2c");
    }
    boolean gzip = address != null && GrpcCompression.parse(address);
    URI plain = address == null ? null : GrpcCompression.withoutQuery(address);
    return new NettyServerTransport(WsEndpoint.parse(plain), settings, gzip);
  }
}
