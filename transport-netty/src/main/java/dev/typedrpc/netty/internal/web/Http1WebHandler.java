package dev.typedrpc.netty.internal.web;

import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.grpc.H2OutboundWatch;
import dev.typedrpc.spi.TransportSettings;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/1.1 adapter of the web protocols: takes the requests the HTTP gate passes on ({@link
 * Request}, aggregated and bounded by {@link WebDispatcher#maxBody}), one at a time, and writes
 * their responses, whole (with a length) or streamed (chunked). A closed connection cancels the
 * call in progress; writability is the channel's. A keep-alive connection idle between requests for
 * {@link dev.typedrpc.spi.ServerLimits#ssePostIdleTimeout()} is closed. A second request sent while
 * one is in progress (pipelining) cancels the first and closes the connection. Stateful: one per
 * channel; event loop only.
 */
public final class Http1WebHandler extends ChannelDuplexHandler implements WebExchange {
  /** A request for the web protocols, as the gate passes it on; the handler releases it. */
  public record Request(FullHttpRequest request) {}

  private final WebDispatcher dispatcher;
  private final TransportSettings settings;
  private ChannelHandlerContext ctx;
  private WebCall call;
  private boolean open;
  private boolean keepAlive;
  private ScheduledFuture<?> idle;

  public Http1WebHandler(WebDispatcher dispatcher, TransportSettings settings) {
    this.dispatcher = dispatcher;
    this.settings = settings;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Request r)) {
      ctx.fireChannelRead(msg);
      return;
    }
    FullHttpRequest request = r.request();
    try {
      if (open) {
        if (call != null) {
          call.cancelled(Status.CANCELLED.withDescription("the client pipelined another request"));
        }
        ChannelFuture unused = ctx.close(); // HTTP/1.1 pipelining is not served
        return;
      }
      if (idle != null) {
        idle.cancel(false);
        idle = null;
      }
      if (ctx.pipeline().get(H2OutboundWatch.class) == null) {
        ctx.pipeline().addFirst("outbound-watch", new H2OutboundWatch(settings));
      }
      open = true;
      keepAlive = HttpUtil.isKeepAlive(request);
      WebCall started =
          dispatcher.handle(
              this,
              request.method().name(),
              request.uri(),
              request.headers(),
              request.content().retain());
      if (open) {
        call = started;
      }
    } finally {
      request.release();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (call != null) {
      call.writabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof H2OutboundWatch.Stalled stalled && call != null) {
      call.cancelled(stalled.status()); // the connection closes next
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (idle != null) {
      idle.cancel(false);
    }
    if (call != null) {
      call.cancelled(Status.CANCELLED.withDescription("the client closed the connection"));
      call = null;
    }
    ctx.fireChannelInactive();
  }

  /**
   * The server drains: the call in progress finishes and its response closes the connection.
   * Returns whether a call is in progress; without one the caller closes the connection. Event loop
   * only.
   */
  public boolean drain() {
    keepAlive = false;
    return open;
  }

  // ---------------------------------------------------------------- WebExchange

  @Override
  public ChannelHandlerContext context() {
    return ctx;
  }

  @Override
  public void respond(HttpResponseStatus status, HttpHeaders headers, ByteBuf body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set(headers);
    HttpUtil.setContentLength(response, body.readableBytes());
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ended(ctx.writeAndFlush(response));
  }

  @Override
  public void startStream(HttpHeaders headers) {
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers().set(headers);
    HttpUtil.setTransferEncodingChunked(response, true);
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ChannelFuture unused = ctx.write(response);
  }

  @Override
  public void writeChunk(ByteBuf chunk) {
    ChannelFuture unused = ctx.write(new DefaultHttpContent(chunk));
  }

  @Override
  public void endStream() {
    ended(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
  }

  @Override
  public boolean isWritable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  private void ended(ChannelFuture written) {
    open = false;
    call = null;
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    long idleMillis = settings.serverLimits().ssePostIdleTimeout().toMillis();
    idle = ctx.executor().schedule(this::closeIdle, idleMillis, TimeUnit.MILLISECONDS);
  }

  private void closeIdle() {
    if (!open) {
      ChannelFuture unused = ctx.close();
    }
  }
}
