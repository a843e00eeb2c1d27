package dev.typedrpc.netty.internal.grpc;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.IOException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/2 connection handler that flushes once per read batch or per turn of the event loop,
 * however many frames the calls wrote in it. A flush is a system call and a pass of the outbound
 * flow controller; doing one per message made them the cost of a call. Frames written while a read
 * batch is handled go out with the flush {@link Http2ConnectionHandler#channelReadComplete} does
 * anyway; frames written elsewhere (tasks from other threads, timers, flow-control callbacks) go
 * out with one task queued behind them on the loop. The base of the client's and the server's
 * handler; confined to the channel's event loop. It is also the last handler of an HTTP/2
 * connection's pipeline: errors that are not HTTP/2's end here ({@link #exceptionCaught}). A stream
 * may also gather several messages into one DATA frame and write it just before the flush ({@link
 * #writeBeforeFlush}): one frame, one flow-controller entry and one promise instead of one per
 * message.
 */
abstract class BatchFlushingHttp2Handler extends Http2ConnectionHandler {
  private static final Logger log = LoggerFactory.getLogger(BatchFlushingHttp2Handler.class);
  private final Runnable flushTask = this::flushNow;

  /** Streams holding DATA to hand to HTTP/2 before the next flush ({@link #writeBeforeFlush}). */
  private final ArrayDeque<PendingWriter> pendingWriters = new ArrayDeque<>();

  private ChannelHandlerContext flushContext;
  private boolean reading;
  private boolean flushQueued;

  /** A batch of work handed over from other threads is running ({@link #beginBatch}). */
  private boolean batching;

  /** Something written in the running batch waits for its flush. */
  private boolean batchWrote;

  BatchFlushingHttp2Handler(
      Http2ConnectionDecoder decoder,
      Http2ConnectionEncoder encoder,
      Http2Settings initialSettings) {
    super(decoder, encoder, initialSettings);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    flushContext = ctx;
    super.handlerAdded(ctx);
  }

  /**
   * An error HTTP/2 does not handle itself ends the connection here instead of reaching the end of
   * the pipeline (where Netty logs a warning for it): a reset or broken connection (an {@link
   * IOException}) closes quietly; anything else is logged and closes the connection with GOAWAY
   * {@code INTERNAL_ERROR}.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
      super.exceptionCaught(ctx, cause); // HTTP/2's own: a stream or connection error
    } else if (cause instanceof IOException) {
      log.debug("HTTP/2 connection {} broke", ctx.channel(), cause);
      ChannelFuture unused = ctx.close();
    } else {
      log.warn("HTTP/2 connection {} failed; closing it", ctx.channel(), cause);
      onError(ctx, false, cause);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    reading = true;
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    reading = false;
    super.channelReadComplete(ctx); // flushes what the batch wrote
  }

  /**
   * Frames were written: they go out with the read batch's flush, or with one task queued behind
   * this one.
   */
  final void flushSoon() {
    if (batching) {
      batchWrote = true;
      return;
    }
    if (reading || flushQueued || flushContext == null) {
      return;
    }
    flushQueued = true;
    flushContext.executor().execute(flushTask);
  }

  /**
   * Work handed over from other threads starts ({@link H2WriteQueue}): what it writes goes out with
   * one flush at {@link #endBatch}, not with a task of its own.
   */
  final void beginBatch() {
    batching = true;
  }

  /** The batch is over: one flush for everything it wrote. */
  final void endBatch() {
    batching = false;
    if (batchWrote && flushContext != null) {
      flush(flushContext);
    }
    batchWrote = false;
  }

  /**
   * Writes the stream's DATA that waits in the flow controller before the RST_STREAM. Netty writes
   * RST_STREAM at once but flow-controlled DATA only at the next flush, so a call ended right after
   * it sent would put DATA behind its own reset on the wire: the peer answers each such stream with
   * RST_STREAM(STREAM_CLOSED), and a server counts those against its reset limit until it closes
   * the connection. What the window does not allow is dropped when the reset closes the stream. Not
   * once the connection is gone: nothing can be written, and the resets HTTP/2 makes while it
   * closes the streams come from inside the flow controller, which must not be entered again.
   */
  @Override
  public ChannelFuture resetStream(
      ChannelHandlerContext ctx, int streamId, long errorCode, ChannelPromise promise) {
    if (ctx.channel().isActive()) {
      try {
        encoder().flowController().writePendingBytes();
      } catch (Http2Exception e) {
        onError(ctx, true, e);
      }
    }
    return super.resetStream(ctx, streamId, errorCode, promise);
  }

  /** A stream that gathers its messages into one DATA frame until the connection flushes. */
  interface PendingWriter {
    /** Hands what it gathered to HTTP/2 (nothing if it has nothing, or has ended). */
    void writePending();
  }

  /**
   * {@code writer} gathered DATA: it is asked to write it before the next flush, so that the
   * messages a stream writes in one read batch or one turn of the loop leave as one frame.
   */
  final void writeBeforeFlush(PendingWriter writer) {
    pendingWriters.add(writer);
    flushSoon();
  }

  /** Every gathered DATA frame first, then HTTP/2's flush (flow controller, then the socket). */
  @Override
  public void flush(ChannelHandlerContext ctx) {
    PendingWriter w;
    while ((w = pendingWriters.poll()) != null) {
      w.writePending();
    }
    super.flush(ctx);
  }

  private void flushNow() {
    flushQueued = false;
    flush(flushContext);
  }
}
