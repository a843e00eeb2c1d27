package dev.typedrpc.netty.internal;

import dev.typedrpc.netty.internal.tls.PeerCertificates;
import dev.typedrpc.spi.frame.FrameSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A {@link FrameSink} over one WebSocket channel. The engine encodes each frame straight into a
 * pooled Netty buffer (the {@link ByteBuffer} it gets is a view of it), which is then sent as one
 * binary WebSocket message.
 *
 * <p>Confined to the channel's event loop, except {@link #executor()} and {@link #inExecutor()}. A
 * client sink exists before its channel: the channel is {@linkplain #attach attached} on the loop
 * when connecting starts. Owns at most one buffer at a time (between {@link #allocate} and {@link
 * #write}/{@link #discard}).
 */
public final class ChannelFrameSink implements FrameSink {
  private final EventLoop loop;
  private final String defaultPeer;

  /** A client's sink: its messages are masked (RFC 6455 section 5.3). */
  private final boolean masks;

  private Channel channel;
  private boolean open;
  private ByteBuf pending;
  private ByteBuffer pendingView;

  /** The remote address as text, computed on first use (servers ask for it on every call). */
  private String peer;

  /** The peer's certificate chain, once known for good ({@link #peerCertificates()}). */
  private List<X509Certificate> peerCertificates;

  /**
   * @param masks whether this is a client's sink, whose messages must be masked
   */
  public ChannelFrameSink(EventLoop loop, String defaultPeer, boolean masks) {
    this.loop = loop;
    this.defaultPeer = defaultPeer;
    this.masks = masks;
  }

  /** A server's sink over {@code channel}. */
  public static ChannelFrameSink of(Channel channel) {
    ChannelFrameSink sink =
        new ChannelFrameSink(channel.eventLoop(), String.valueOf(channel.remoteAddress()), false);
    sink.attach(channel);
    return sink;
  }

  public void attach(Channel ch) {
    this.channel = ch;
  }

  /** The WebSocket handshake completed: binary and close frames can be written from now on. */
  void opened() {
    open = true;
  }

  /** The channel is gone: frees a buffer the engine allocated but never wrote. */
  void closed() {
    open = false;
    releasePending();
  }

  @Override
  public ByteBuffer allocate(int size) {
    releasePending(); // contract: one buffer at a time; a forgotten one must not leak
    ByteBufAllocator alloc = channel != null ? channel.alloc() : ByteBufAllocator.DEFAULT;
    pending = alloc.ioBuffer(size);
    pendingView =
        pending.nioBuffer(0, size); // a view of the pooled memory, not a copy (never composite)
    return pendingView;
  }

  @Override
  public void write(ByteBuffer frame) {
    ByteBuf buf = take(frame);
    buf.writerIndex(frame.position());
    if (!open || !channel.isActive()) {
      buf.release(); // the engine only writes after onOpen; after close the frame has nowhere to go
      return;
    }
    // void promise: a failed write reaches FrameHandler.exceptionCaught, which closes the
    // connection
    ChannelFuture unused = channel.write(new BinaryWebSocketFrame(buf), channel.voidPromise());
  }

  /**
   * Copies the bytes into a pooled buffer behind the WebSocket header, masking them on the way if
   * this is a client ({@link WsBinaryMessage}): the frame encoder passes the finished message on,
   * so the frame is copied once and sent as one buffer.
   */
  @Override
  public void write(byte[] frame, int offset, int length) {
    if (!open || channel == null || !channel.isActive()) {
      return; // as above: before onOpen or after close the frame has nowhere to go
    }
    ByteBuf message = WsBinaryMessage.encode(channel.alloc(), frame, offset, length, masks);
    ChannelFuture unused = channel.write(message, channel.voidPromise());
  }

  @Override
  public void discard(ByteBuffer frame) {
    take(frame).release();
  }

  @Override
  public void flush() {
    if (channel != null) {
      channel.flush();
    }
  }

  @Override
  public boolean isWritable() {
    return channel != null && channel.isWritable();
  }

  @Override
  public void close() {
    if (channel == null) {
      return;
    }
    if (open && channel.isActive()) {
      open = false;
      // written after every queued frame, so the peer gets them all before the close frame
      channel
          .writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      ChannelFuture unused = channel.close(); // before the handshake: no close frame to send
    }
  }

  @Override
  public long queuedBytes() {
    return channel == null ? 0 : queuedBytes(channel);
  }

  /** Bytes written to {@code ch} and not yet sent (Netty's outbound buffer, flushed or not). */
  public static long queuedBytes(Channel ch) {
    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  /**
   * Autoread off: frames already read are still delivered, no more are read until it is back on.
   */
  @Override
  public void setReading(boolean reading) {
    if (channel != null) {
      channel.config().setAutoRead(reading);
    }
  }

  @Override
  public void abort() {
    open = false;
    if (channel != null) {
      ChannelFuture unused =
          channel.close(); // queued frames are dropped: the peer is not reading them
    }
  }

  @Override
  public String transport() {
    return TransportNames.of(channel, "ws");
  }

  /**
   * Looked up once the connection is open (its TLS handshake, if any, is over by then) and kept:
   * the server asks on every call, and the lookup searches the pipeline.
   */
  @Override
  public List<X509Certificate> peerCertificates() {
    List<X509Certificate> chain = peerCertificates;
    if (chain == null) {
      if (channel == null) {
        return List.of();
      }
      chain = PeerCertificates.of(channel);
      if (open) {
        peerCertificates = chain;
      }
    }
    return chain;
  }

  @Override
  public String peer() {
    String p = peer;
    if (p == null) {
      if (channel == null || channel.remoteAddress() == null) {
        return defaultPeer; // not connected yet: ask again later
      }
      p = String.valueOf(channel.remoteAddress()); // once per connection, not per call
      peer = p;
    }
    return p;
  }

  @Override
  public EventLoop executor() {
    return loop;
  }

  @Override
  public boolean inExecutor() {
    return loop.inEventLoop();
  }

  @SuppressWarnings(
      "ReferenceEquality") // identity is the point: it must be the very view handed out
  private ByteBuf take(ByteBuffer frame) {
    if (frame == null || frame != pendingView) {
      throw new IllegalArgumentException("not the buffer from the last allocate()");
    }
    ByteBuf buf = pending;
    pending = null;
    pendingView = null;
    return buf;
  }

  private void releasePending() {
    if (pending != null) {
      pending.release();
      pending = null;
      pendingView = null;
    }
  }
}
