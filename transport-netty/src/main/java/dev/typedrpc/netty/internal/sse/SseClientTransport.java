package dev.typedrpc.netty.internal.sse;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.IoGroups;
import dev.typedrpc.netty.internal.WsEndpoint;
import dev.typedrpc.netty.internal.tls.Tls;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.spi.frame.FrameConnection;
import io.netty.channel.EventLoop;

/**
 * A client connection over Server-Sent Events + POST: one HTTP/1.1 connection holds the {@code GET
 * <path>/sse} event stream that carries the server's frames, another sends the client's frames with
 * POSTs, one at a time, so they arrive in order. For networks where WebSocket and HTTP/2 do not get
 * through. Thread-safe.
 */
public final class SseClientTransport implements ClientTransport {
  private final WsEndpoint target;
  private final Tls.Client tls;
  private final TransportSettings settings;

  /** The client asks for proto3 JSON messages ({@code message-encoding=json}). */
  private final boolean json;

  private volatile FrameConnection connection;

  /**
   * @param tls TLS settings for {@code sses:} (both connections use TLS); null for {@code sse:}
   * @param json ask the server for proto3 JSON messages ({@code MessageEncoding})
   */
  public SseClientTransport(
      WsEndpoint target, Tls.Client tls, TransportSettings settings, boolean json) {
    this.target = target;
    this.tls = tls;
    this.settings = settings;
    this.json = json;
  }

  @Override
  public void start(Listener listener) {
    EventLoop loop = IoGroups.clientGroup().next();
    SseUpSink sink = new SseUpSink(loop, target, tls, settings);
    FrameConnection engine = FrameConnection.client(sink, settings, listener, json);
    sink.connection = engine;
    connection = engine;
    loop.execute(sink::connect);
  }

  @Override
  public ClientStream newStream(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener) {
    return connection.newStream(method, headers, deadline, listener);
  }

  @Override
  public void shutdown(Status reason) {
    connection.shutdown(reason);
  }

  @Override
  public void shutdownNow(Status reason) {
    connection.shutdownNow(reason);
  }
}
