package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.web.WebCall;
import dev.typedrpc.netty.internal.web.WebDispatcher;
import dev.typedrpc.netty.internal.web.WebExchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.Map;

/**
 * The HTTP/2 adapter of the web protocols: one Connect or gRPC-Web request stream. Its body is
 * gathered (its bytes returned to the client's window as they come, the whole bounded by {@link
 * WebDispatcher#maxBody}) and handed to the {@link WebDispatcher} at its end; the response goes out
 * as HEADERS and DATA frames, under the stream's flow control and the connection's {@link
 * H2Backlog} bound. A reset cancels the call with {@code CANCELLED}, a lost connection with {@code
 * UNAVAILABLE}. It lives in this package for the handler's stream plumbing; the protocols are in
 * {@code internal.web}. Event loop only.
 */
final class H2WebStream implements H2Exchange, WebExchange {
  private final H2ServerHandler handler;
  private final ChannelHandlerContext ctx;
  private final WebDispatcher dispatcher;
  private final int id;
  private final String method;
  private final String path;
  private final HttpHeaders headers;
  private final int maxBody;
  private final H2Backlog backlog = new H2Backlog(this::backlogDrained);
  private CompositeByteBuf body;
  private boolean requestEnded;
  private boolean dispatched;
  private boolean responded;
  private boolean writable;
  private WebCall call;

  H2WebStream(
      H2ServerHandler handler,
      io.netty.handler.codec.http2.Http2Stream stream,
      WebDispatcher dispatcher,
      Http2Headers h2) {
    this.handler = handler;
    this.ctx = handler.context();
    this.dispatcher = dispatcher;
    this.id = stream.id();
    this.method = h2.method().toString();
    this.path = h2.path().toString();
    this.headers = DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders();
    for (Map.Entry<CharSequence, CharSequence> e : h2) {
      if (e.getKey().length() > 0 && e.getKey().charAt(0) != ':') {
        headers.add(e.getKey(), e.getValue());
      }
    }
    this.maxBody = WebDispatcher.maxBody(handler.settings());
    this.body = ctx.alloc().compositeBuffer();
    this.writable = handler.isWritable(stream);
  }

  // ---------------------------------------------------------------- H2Exchange

  @Override
  public void onData(ByteBuf data, boolean endOfStream) {
    requestEnded |= endOfStream;
    int n = data.readableBytes();
    if (dispatched || body == null) {
      handler.returnBytes(id, n); // after the request, or over the limit: nothing keeps it
    } else if (body.readableBytes() + (long) n > maxBody) {
      handler.returnBytes(id, n);
      body.release();
      body = null; // the rest is read and dropped; the answer goes out at the request's end
    } else if (n > 0) {
      body.addComponent(true, data.retainedSlice());
      handler.returnBytes(id, n); // buffered here, bounded by maxBody
    }
    if (endOfStream && !dispatched) {
      // (HTTP/2 clients take an answer before their request's end badly: curl and the JDK's
      // fail the stream on the reset that must follow it)
      dispatched = true;
      if (body == null) {
        Status tooLarge =
            Status.RESOURCE_EXHAUSTED.withDescription(
                "request body exceeds the limit of " + maxBody + " bytes");
        call = dispatcher.refuse(this, path, headers, tooLarge);
      } else {
        CompositeByteBuf whole = body;
        body = null;
        call = dispatcher.handle(this, method, path, headers, whole);
      }
    }
  }

  @Override
  public void resetByClient(String error) {
    end(
        Status.CANCELLED.withDescription(
            "the client cancelled the call (RST_STREAM " + error + ")"));
  }

  @Override
  public void streamClosed() {
    Status reason = handler.closeReason();
    end(
        reason != null
            ? reason
            : Status.UNAVAILABLE.withDescription("the connection to the client was closed"));
  }

  private void end(Status status) {
    dispatched = true;
    if (body != null) {
      body.release();
      body = null;
    }
    if (call != null) {
      call.cancelled(status);
    }
  }

  @Override
  public void writabilityChanged(boolean nowWritable) {
    writable = nowWritable;
    if (call != null) {
      call.writabilityChanged(isWritable());
    }
  }

  private void backlogDrained() {
    if (call != null && isWritable()) {
      call.writabilityChanged(true);
    }
  }

  // ---------------------------------------------------------------- WebExchange

  @Override
  public ChannelHandlerContext context() {
    return ctx;
  }

  @Override
  public void respond(HttpResponseStatus status, HttpHeaders h, ByteBuf data) {
    responded = true;
    Http2Headers out = HttpConversionUtil.toHttp2Headers(h, false).status(status.codeAsText());
    if (!data.isReadable()) {
      data.release();
      handler.finish(id, out, requestEnded);
      return;
    }
    ChannelFuture unused = handler.encoder().writeHeaders(ctx, id, out, 0, false, ctx.newPromise());
    last(handler.encoder().writeData(ctx, id, data, 0, true, ctx.newPromise()));
  }

  @Override
  public void startStream(HttpHeaders h) {
    Http2Headers out =
        HttpConversionUtil.toHttp2Headers(h, false).status(HttpResponseStatus.OK.codeAsText());
    ChannelFuture unused = handler.encoder().writeHeaders(ctx, id, out, 0, false, ctx.newPromise());
  }

  @Override
  public void writeChunk(ByteBuf chunk) {
    ChannelFuture unused =
        handler
            .encoder()
            .writeData(ctx, id, chunk, 0, false, backlog.track(ctx, chunk.readableBytes()));
  }

  @Override
  public void endStream() {
    responded = true;
    last(handler.encoder().writeData(ctx, id, Unpooled.EMPTY_BUFFER, 0, true, ctx.newPromise()));
  }

  /** After the last frame: a client still sending is stopped (RST_STREAM NO_ERROR). */
  private void last(ChannelFuture written) {
    if (!requestEnded) {
      if (written.isDone()) {
        handler.resetIfClientSends(id, written);
      } else {
        written.addListener(done -> handler.resetIfClientSends(id, written));
      }
    }
    handler.flushSoon();
  }

  @Override
  public boolean isWritable() {
    return writable && !backlog.full() && !responded;
  }

  @Override
  public void flush() {
    handler.flushSoon();
  }
}
