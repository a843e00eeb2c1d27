package dev.typedrpc.netty.internal.grpc;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.util.concurrent.EventExecutor;

/**
 * The bytes of one stream's messages handed to HTTP/2 and not yet written to the socket. A stream's
 * demand is 0 while they reach {@link H2Limits#SEND_BUFFER}, as gRPC's {@code isReady} is: the
 * HTTP/2 window alone would let a producer on the event loop queue a whole window in the flow
 * controller before anything is flushed, which both buffers more than needed and makes Netty
 * coalesce thousands of small frames at once. Written on the channel's event loop; {@link #full}
 * may be read from any thread.
 */
final class H2Backlog {
  /** One listener for every write of every stream: the promise names its backlog. */
  private static final ChannelFutureListener WRITTEN = f -> ((Write) f).backlog.written((Write) f);

  private final Runnable drained;
  private int bytes;
  private volatile boolean full;

  /**
   * @param drained runs on the loop when the backlog falls below the limit again
   */
  H2Backlog(Runnable drained) {
    this.drained = drained;
  }

  /**
   * The promise to write {@code n} bytes of the stream with: they count until that write completes
   * or fails.
   */
  ChannelPromise track(ChannelHandlerContext ctx, int n) {
    bytes += n;
    full = bytes >= H2Limits.SEND_BUFFER;
    Write write = new Write(ctx.channel(), ctx.executor(), this, n);
    write.addListener(WRITTEN);
    return write;
  }

  boolean full() {
    return full;
  }

  private void written(Write write) {
    boolean was = full;
    bytes -= write.bytes;
    full = bytes >= H2Limits.SEND_BUFFER;
    if (was && !full) {
      drained.run();
    }
  }

  /** A write's promise that knows its backlog and size, so that one listener serves them all. */
  private static final class Write extends DefaultChannelPromise {
    final H2Backlog backlog;
    final int bytes;

    Write(Channel channel, EventExecutor executor, H2Backlog backlog, int bytes) {
      super(channel, executor);
      this.backlog = backlog;
      this.bytes = bytes;
    }
  }
}
