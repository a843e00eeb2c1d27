package dev.typedrpc.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionHandler;

/**
 * One flush per read batch or per turn of the event loop for an HTTP/2 connection, however many frames the calls
 * wrote in it. A flush is a system call and, through {@link Http2ConnectionHandler#flush}, a pass of the outbound
 * flow controller; doing one per message made them the cost of a call. Frames written while a read batch is
 * handled go out with the flush {@link Http2ConnectionHandler#channelReadComplete} does anyway; frames written
 * elsewhere (tasks from other threads, timers, flow-control callbacks) go out with one task queued behind them on
 * the loop. Confined to the channel's event loop.
 */
final class H2Flusher {
  private final Http2ConnectionHandler handler;
  private final Runnable flushTask = this::flushNow;
  private ChannelHandlerContext ctx;
  private boolean reading;
  private boolean flushQueued;

  H2Flusher(Http2ConnectionHandler handler) {
    this.handler = handler;
  }

  void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** A read batch began: what it writes is flushed when it completes. */
  void readStarted() {
    reading = true;
  }

  /** Call before the handler's own {@code channelReadComplete}, which flushes. */
  void readComplete() {
    reading = false;
  }

  /** Frames were written: they go out with the read batch's flush, or with one queued behind this task. */
  void flushSoon() {
    if (reading || flushQueued || ctx == null) {
      return;
    }
    flushQueued = true;
    ctx.executor().execute(flushTask);
  }

  private void flushNow() {
    flushQueued = false;
    handler.flush(ctx);
  }
}
