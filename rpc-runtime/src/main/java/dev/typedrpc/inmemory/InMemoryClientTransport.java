package dev.typedrpc.inmemory;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.spi.frame.FrameConnection;
import java.io.IOException;

/** A client connection to an in-memory server. */
final class InMemoryClientTransport implements ClientTransport {
  private final String name;
  private final TransportSettings settings;

  /** The client asks for proto3 JSON messages. */
  private final boolean json;

  private InMemorySink sink;

  InMemoryClientTransport(String name, TransportSettings settings, boolean json) {
    this.name = name;
    this.settings = settings;
    this.json = json;
  }

  @Override
  public void start(Listener listener) {
    InMemorySink[] ends = InMemorySink.pair(name);
    sink = ends[0];
    sink.connection = FrameConnection.client(sink, settings, listener, json);
    InMemoryServerTransport server = InMemoryServerTransport.REGISTRY.get(name);
    if (server == null || server.accept(ends[1]) == null) {
      sink.executor()
          .execute(
              () ->
                  sink.connection.onClosed(
                      new IOException("no in-memory server named '" + name + "'")));
      return;
    }
    // the server's SETTINGS may arrive before this runs: the engine then opens on that first frame
    sink.executor().execute(sink.connection::onOpen);
  }

  @Override
  public ClientStream newStream(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener) {
    return sink.connection.newStream(method, headers, deadline, listener);
  }

  @Override
  public void shutdown(Status reason) {
    sink.connection.shutdown(reason);
  }

  @Override
  public void shutdownNow(Status reason) {
    sink.connection.shutdownNow(reason);
  }

  /** Breaks the connection as a network failure would (for tests). */
  void breakConnection() {
    sink.fail(new IOException("connection broken"));
  }
}
