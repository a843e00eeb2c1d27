package dev.typedrpc.netty;

import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.ServerTransport;
import dev.typedrpc.spi.TransportProvider;
import dev.typedrpc.spi.TransportSettings;
import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * The typedrpc frame protocol over WebSocket binary messages, on Netty. Serves {@code ws://host:port/path}
 * (path default {@code /rpc}); a server address with port 0 picks a free port.
 *
 * <p>{@code wss:} is claimed so that it fails with a clear message rather than "no transport": TLS is not
 * supported yet. Thread-safe and stateless.
 */
public final class NettyTransportProvider implements TransportProvider {

  /** Called by {@link java.util.ServiceLoader}. */
  public NettyTransportProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("ws", "wss");
  }

  @Override
  public ClientTransport newClientTransport(URI target, TransportSettings settings) {
    return new NettyClientTransport(WsEndpoint.parse(target), Objects.requireNonNull(settings, "settings"));
  }

  @Override
  public ServerTransport newServerTransport(URI address, TransportSettings settings) {
    return new NettyServerTransport(WsEndpoint.parse(address), Objects.requireNonNull(settings, "settings"));
  }
}
