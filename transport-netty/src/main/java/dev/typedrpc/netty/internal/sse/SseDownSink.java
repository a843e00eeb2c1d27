package dev.typedrpc.netty.internal.sse;

import dev.typedrpc.netty.internal.ChannelFrameSink;
import dev.typedrpc.netty.internal.TransportNames;
import dev.typedrpc.spi.frame.FrameSink;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Server-to-client frames of an SSE session: each frame is one event, {@code data: <base64>} (SSE
 * carries text), written as a chunk of the open {@code text/event-stream} response. Confined to the
 * channel's event loop.
 */
final class SseDownSink implements FrameSink {
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  private final Channel channel;
  private boolean closed;

  SseDownSink(Channel channel) {
    this.channel = channel;
  }

  /** Writes a named event, e.g. the session id. */
  void writeEvent(String name, String data) {
    ByteBuf event = channel.alloc().buffer();
    event.writeCharSequence(
        "event: " + name + "\ndata: " + data + "\n\n", StandardCharsets.US_ASCII);
    ChannelFuture unused = channel.write(new DefaultHttpContent(event), channel.voidPromise());
  }

  /** A comment line: ignored by clients, it keeps idle proxies from closing the stream. */
  void writeKeepalive() {
    if (closed || !channel.isActive()) {
      return;
    }
    ByteBuf comment = channel.alloc().buffer(14);
    comment.writeCharSequence(": keepalive\n\n", StandardCharsets.US_ASCII);
    ChannelFuture unused =
        channel.writeAndFlush(new DefaultHttpContent(comment), channel.voidPromise());
  }

  @Override
  public ByteBuffer allocate(int size) {
    return ByteBuffer.allocate(size); // the frame is base64-encoded into the event anyway
  }

  @Override
  public void write(ByteBuffer frame) {
    frame.flip();
    writeEvent(frame);
  }

  /**
   * Encodes the frame from the engine's array as it is: no buffer of its own is filled first (the
   * default would copy it into one from {@link #allocate}).
   */
  @Override
  public void write(byte[] frame, int offset, int length) {
    writeEvent(ByteBuffer.wrap(frame, offset, length));
  }

  private void writeEvent(ByteBuffer frame) {
    if (closed || !channel.isActive()) {
      return;
    }
    ByteBuffer text = Base64.getEncoder().encode(frame);
    ByteBuf event = channel.alloc().buffer(DATA.length + text.remaining() + END.length);
    event.writeBytes(DATA).writeBytes(text).writeBytes(END);
    ChannelFuture unused = channel.write(new DefaultHttpContent(event), channel.voidPromise());
  }

  /** Whether the server ended the event stream ({@link #close} or {@link #abort}). */
  boolean closedByServer() {
    return closed;
  }

  @Override
  public void discard(ByteBuffer frame) {}

  @Override
  public void flush() {
    channel.flush();
  }

  @Override
  public boolean isWritable() {
    return channel.isWritable();
  }

  @Override
  public void close() {
    if (!closed && channel.isActive()) {
      closed = true;
      channel
          .writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public long queuedBytes() {
    return ChannelFrameSink.queuedBytes(channel);
  }

  // setReading: the client's frames arrive on other connections (its POSTs), so there is nothing to
  // pause here;
  // the byte bound and the stall timeout bound this stream.

  @Override
  public void abort() {
    closed = true;
    ChannelFuture unused =
        channel.close(); // queued events are dropped: the client is not reading them
  }

  @Override
  public String transport() {
    return TransportNames.of(channel, "sse");
  }

  @Override
  public java.util.List<java.security.cert.X509Certificate> peerCertificates() {
    return dev.typedrpc.netty.internal.tls.PeerCertificates.of(channel);
  }

  @Override
  public String peer() {
    return "sse:" + channel.remoteAddress();
  }

  @Override
  public EventLoop executor() {
    return channel.eventLoop();
  }

  @Override
  public boolean inExecutor() {
    return channel.eventLoop().inEventLoop();
  }
}
