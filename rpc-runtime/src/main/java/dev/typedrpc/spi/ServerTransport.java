package dev.typedrpc.spi;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** Accepts connections and turns their streams into calls for the server above it. Thread-safe. */
public interface ServerTransport {
  /** Binds and starts accepting; new streams are announced to {@code listener}. */
  void start(ServerTransportListener listener) throws IOException;

  /** The bound address (with the real port when started on port 0). */
  InetSocketAddress localAddress();

  /**
   * Stops accepting; tells every connection to go away (existing calls finish). The future
   * completes when all connections are closed.
   */
  CompletableFuture<Void> shutdown();

  /** Closes every connection now; open calls end with {@code UNAVAILABLE}. */
  void shutdownNow();
}
