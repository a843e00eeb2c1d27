package dev.typedrpc.netty.internal.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Error;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server's graceful HTTP/2 shutdown in two GOAWAYs, as gRPC-Java and Netty servers do: the first
 * ({@code NO_ERROR}, last stream id 2^31-1) tells the client to open no new streams while the
 * server still takes those already on their way; a PING follows, and once its ACK is back (every
 * stream the client opened before it has arrived) or after {@link #PING_TIMEOUT_MILLIS}, the second
 * GOAWAY names the real last stream id. Streams above it were never processed: the client retries
 * them. The connection then closes when its last stream ends (or when the server's drain deadline
 * ends the rest). The idle and age limits go away the same way, with their own reason as the debug
 * data. Event loop only; one per connection.
 */
final class H2GracefulShutdown {
  /** The data of the PING sent after the first GOAWAY. */
  static final long DRAIN_PING = 0x9e4d7a1c3b2f0e51L;

  /** How long the second GOAWAY waits for the PING's ACK at most (gRPC-Java's 10 s). */
  static final long PING_TIMEOUT_MILLIS = 10_000;

  private final H2ServerHandler handler;
  private ScheduledFuture<?> pingTimeout;
  private boolean started;
  private boolean finished;
  private String reason = "server shutting down";

  H2GracefulShutdown(H2ServerHandler handler) {
    this.handler = handler;
  }

  /**
   * Sends the first GOAWAY and the PING.
   *
   * @param reason the debug data of both GOAWAYs: why the connection goes away
   */
  void start(ChannelHandlerContext ctx, String reason) {
    if (started) {
      return;
    }
    started = true;
    this.reason = reason;
    if (!ctx.channel().isActive()) {
      finish(ctx);
      return;
    }
    ChannelFuture unused =
        handler.goAway(
            ctx,
            Integer.MAX_VALUE,
            Http2Error.NO_ERROR.code(),
            debugData(ctx, reason),
            ctx.newPromise());
    unused = handler.encoder().writePing(ctx, false, DRAIN_PING, ctx.newPromise());
    ctx.flush();
    pingTimeout =
        ctx.executor().schedule(() -> finish(ctx), PING_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** A PING ACK arrived: if it answers ours, the second GOAWAY goes out. */
  void onPingAck(ChannelHandlerContext ctx, long data) {
    if (data == DRAIN_PING && started) {
      finish(ctx);
    }
  }

  /**
   * The second GOAWAY with the last stream the server took, then a close that waits for the open
   * streams without a bound of its own (the server's drain deadline is the bound).
   */
  void finish(ChannelHandlerContext ctx) {
    if (finished) {
      return;
    }
    finished = true;
    if (pingTimeout != null) {
      pingTimeout.cancel(false);
    }
    if (ctx.channel().isActive()) {
      ChannelFuture unused =
          handler.goAway(
              ctx,
              handler.connection().remote().lastStreamCreated(),
              Http2Error.NO_ERROR.code(),
              debugData(ctx, reason),
              ctx.newPromise());
      handler.gracefulShutdownTimeoutMillis(-1);
    }
    ChannelFuture unused = ctx.channel().close(); // waits for the open streams
  }

  boolean started() {
    return started;
  }

  private static ByteBuf debugData(ChannelHandlerContext ctx, String text) {
    return ByteBufUtil.writeUtf8(ctx.alloc(), text);
  }
}
