package dev.typedrpc.spi;

import java.net.URI;
import java.util.Set;

/**
 * A transport implementation, found with {@link java.util.ServiceLoader} by URI scheme. Register an
 * implementation in {@code META-INF/services/dev.typedrpc.spi.TransportProvider}.
 */
public interface TransportProvider {
  /** The URI schemes this transport serves, e.g. {@code ws} and {@code wss}. */
  Set<String> schemes();

  /** A transport for one client connection to {@code target}; it connects when started. */
  ClientTransport newClientTransport(URI target, TransportSettings settings);

  /**
   * A server transport that listens at {@code address} (host and port; port 0 picks a free one).
   */
  ServerTransport newServerTransport(URI address, TransportSettings settings);
}
