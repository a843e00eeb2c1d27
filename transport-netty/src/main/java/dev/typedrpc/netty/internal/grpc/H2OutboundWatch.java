package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.Status;
import dev.typedrpc.spi.TransportSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound bounds of an HTTP/2 server connection, as the frame engine has them: a peer that
 * does not read is closed once more than {@code maxQueuedOutboundBytes} wait for it, or once
 * nothing of what waits has been sent for {@code outboundStallTimeout}. Sits first in the pipeline
 * (next to the socket, below TLS), so the bytes it counts are the ones the socket takes. The close
 * drops what is queued (a GOAWAY would wait behind it); the streams of the connection end with the
 * reason, which {@link H2ServerHandler} gets as a {@link Stalled} event first. Event loop only.
 */
public final class H2OutboundWatch extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(H2OutboundWatch.class);

  /** The event the handlers after this one see before the close. */
  public record Stalled(Status status) {}

  private final long maxQueued;
  private final long timeoutNanos;
  private ChannelHandlerContext ctx;
  private long written;
  private long lastSent;
  private long progressAt;
  private ScheduledFuture<?> timer;
  private boolean closing;

  public H2OutboundWatch(TransportSettings settings) {
    this.maxQueued = settings.maxQueuedOutboundBytes();
    this.timeoutNanos = settings.outboundStallTimeout().toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf b) {
      written += b.readableBytes();
    } else if (msg instanceof ByteBufHolder h) {
      written += h.content().readableBytes();
    }
    ChannelFuture unused = ctx.write(msg, promise);
    if (!ctx.channel().isWritable()) {
      backlog();
    }
  }

  /**
   * What a flush leaves unsent starts the watch: HTTP/2 stops a stream's producer long before the
   * buffer is full ({@link H2Limits#SEND_BUFFER}), so a stalled peer need not make it unwritable.
   */
  @Override
  public void flush(ChannelHandlerContext ctx) {
    ctx.flush();
    if (timer == null && !closing && queued() > 0) {
      watch();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (!ctx.channel().isWritable()) {
      backlog();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  /** The outbound buffer is full: over the bound it closes now, else the watch starts. */
  private void backlog() {
    if (closing) {
      return;
    }
    long queued = queued();
    if (queued > maxQueued) {
      close(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "peer is not reading: " + queued + " bytes queued, limit " + maxQueued));
      return;
    }
    if (timer == null) {
      watch();
    }
  }

  private void watch() {
    lastSent = written - queued();
    progressAt = System.nanoTime();
    schedule();
  }

  private void schedule() {
    timer =
        ctx.executor().schedule(this::check, Math.max(1, timeoutNanos / 4), TimeUnit.NANOSECONDS);
  }

  /** Every quarter of the timeout while bytes are queued: anything sent since the last check? */
  private void check() {
    timer = null;
    if (closing || !ctx.channel().isActive()) {
      return;
    }
    long queued = queued();
    if (queued == 0) {
      return; // drained: the next backlog starts a new watch
    }
    long now = System.nanoTime();
    long sent = written - queued;
    if (sent > lastSent) {
      progressAt = now;
    }
    lastSent = sent;
    if (now - progressAt < timeoutNanos) {
      schedule();
      return;
    }
    close(
        Status.RESOURCE_EXHAUSTED.withDescription(
            "peer is not reading: "
                + queued
                + " bytes queued, none sent for "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                + " ms (outboundStallTimeout)"));
  }

  private void close(Status status) {
    closing = true;
    stop();
    log.info("closing connection with {}: {}", ctx.channel().remoteAddress(), status);
    ctx.fireUserEventTriggered(new Stalled(status));
    ChannelFuture unused = ctx.close(); // from the head: nothing queued is written first
  }

  private void stop() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      timer = null;
      t.cancel(false);
    }
  }

  private long queued() {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }
}
