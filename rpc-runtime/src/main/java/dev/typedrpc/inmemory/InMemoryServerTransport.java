package dev.typedrpc.inmemory;

import dev.typedrpc.Status;
import dev.typedrpc.spi.ServerTransport;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.spi.frame.FrameConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** An in-memory server, registered under a name that clients connect to with {@code mem:<name>}. */
final class InMemoryServerTransport implements ServerTransport {
  static final ConcurrentHashMap<String, InMemoryServerTransport> REGISTRY =
      new ConcurrentHashMap<>();

  private final String name;
  private final TransportSettings settings;
  private final Set<InMemorySink> connections = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private volatile ServerTransportListener listener;
  private volatile boolean shutdown;

  InMemoryServerTransport(String name, TransportSettings settings) {
    this.name = name;
    this.settings = settings;
  }

  @Override
  public void start(ServerTransportListener listener) throws IOException {
    this.listener = listener;
    if (REGISTRY.putIfAbsent(name, this) != null) {
      throw new IOException("an in-memory server named '" + name + "' is already running");
    }
  }

  /** Accepts a connection from a client; returns the server's end. */
  InMemorySink accept(InMemorySink serverEnd) {
    if (shutdown) {
      return null;
    }
    connections.add(serverEnd);
    serverEnd.connection = FrameConnection.server(serverEnd, settings, listener);
    serverEnd.executor().execute(serverEnd.connection::onOpen);
    return serverEnd;
  }

  @Override
  public InetSocketAddress localAddress() {
    return InetSocketAddress.createUnresolved(name, 0);
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    shutdown = true;
    REGISTRY.remove(name, this);
    for (InMemorySink c : connections) {
      c.connection.shutdown(Status.UNAVAILABLE.withDescription("server shutting down"));
    }
    awaitConnections();
    return terminated;
  }

  private void awaitConnections() {
    connections.removeIf(InMemorySink::isClosed);
    if (connections.isEmpty()) {
      terminated.complete(null);
    } else {
      CompletableFuture.delayedExecutor(10, java.util.concurrent.TimeUnit.MILLISECONDS)
          .execute(this::awaitConnections);
    }
  }

  @Override
  public void shutdownNow() {
    shutdown = true;
    REGISTRY.remove(name, this);
    for (InMemorySink c : connections) {
      c.connection.shutdownNow(Status.UNAVAILABLE.withDescription("server shut down"));
    }
    awaitConnections();
  }
}
