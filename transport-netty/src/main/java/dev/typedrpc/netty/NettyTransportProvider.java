package dev.typedrpc.netty;

import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.ServerTransport;
import dev.typedrpc.spi.TransportProvider;
import dev.typedrpc.spi.TransportSettings;
import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * The typedrpc frame protocol on Netty: over WebSocket binary messages ({@code ws://host:port/path}, path default
 * {@code /rpc}), and over Server-Sent Events + POST ({@code sse://host:port/path}) for networks that pass nothing
 * but plain HTTP/1.1 requests. One server port serves both; a server address with port 0 picks a free port.
 *
 * <p>{@code wss:} is claimed so that it fails with a clear message rather than "no transport": TLS is not
 * supported yet. Thread-safe and stateless.
 */
public final class NettyTransportProvider implements TransportProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public NettyTransportProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("ws", "wss", "sse");
  }

  @Override
  public ClientTransport newClientTransport(URI target, TransportSettings settings) {
    WsEndpoint endpoint = WsEndpoint.parse(target);
    Objects.requireNonNull(settings, "settings");
    return "sse".equalsIgnoreCase(target.getScheme())
        ? new SseClientTransport(endpoint, settings)
        : new NettyClientTransport(endpoint, settings);
  }

  @Override
  public ServerTransport newServerTransport(URI address, TransportSettings settings) {
    return new NettyServerTransport(WsEndpoint.parse(address), Objects.requireNonNull(settings, "settings"));
  }
}
