package dev.typedrpc.netty.internal.server;

import dev.typedrpc.netty.internal.ConnectionRefusal;
import dev.typedrpc.netty.internal.HandshakeDeadline;
import dev.typedrpc.netty.internal.sse.SseServer;
import dev.typedrpc.netty.internal.web.Http1WebHandler;
import dev.typedrpc.netty.internal.web.StaticFileResponder;
import dev.typedrpc.netty.internal.web.WebDispatcher;
import dev.typedrpc.netty.internal.ws.WsPipelines;
import dev.typedrpc.spi.ServerLimits;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.WebResource;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Routes the HTTP/1.1 requests of a connection: a WebSocket upgrade request (GET with {@code
 * Upgrade: websocket}) for the endpoint path passes on to the WebSocket handshake, and the gate
 * leaves the pipeline; {@code GET <path>/sse} opens an SSE session and {@code POST
 * <path>/sse/<session>} delivers frames to one (see {@link SseServer}); a Connect or gRPC-Web
 * request ({@code POST}, {@code GET} or {@code OPTIONS} on {@code /<service>/<method>}) passes on
 * to the {@link Http1WebHandler}, and the connection stays open for more; another {@code GET} or
 * {@code HEAD} whose path names a static file of the server ({@link
 * ServerTransportListener#webResource}) gets the file ({@link StaticFileResponder}). Anything else
 * gets a plain-text HTTP error and the connection closes: 404 for another path, 405 for another
 * method, 426 for a plain request on the path, 400 for an undecodable one, 403 for a request whose
 * {@code Origin} the server does not admit ({@link ServerLimits#allowedOrigins()}). A connection
 * that sends no valid request within the handshake timeout is closed. Stateful: one per channel.
 */
public final class HttpRequestGate extends ChannelInboundHandlerAdapter {
  private final String path;
  private final String ssePath;
  private final long timeoutMillis;
  private final SseServer sse;
  private final ServerLimits limits;
  private final WebDispatcher web;
  private final ServerTransportListener files;
  private ScheduledFuture<?> timeout;

  public HttpRequestGate(String path, long timeoutMillis, SseServer sse, ServerLimits limits) {
    this(path, timeoutMillis, sse, limits, null, null);
  }

  /**
   * @param web the web protocols' dispatcher, or null to refuse their requests as any other
   * @param files where static files are looked up ({@link ServerTransportListener#webResource}), or
   *     null to serve none
   */
  public HttpRequestGate(
      String path,
      long timeoutMillis,
      SseServer sse,
      ServerLimits limits,
      WebDispatcher web,
      ServerTransportListener files) {
    this.web = web;
    this.files = files;
    this.path = path;
    this.ssePath = path + "/sse";
    this.timeoutMillis = timeoutMillis;
    this.sse = sse;
    this.limits = limits;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timeout = ctx.executor().schedule(() -> closeIdle(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private static void closeIdle(ChannelHandlerContext ctx) {
    ChannelFuture unused = ctx.channel().close(); // no upgrade request in time: nothing to answer
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    timeout.cancel(false);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    String refused = ConnectionRefusal.reason(ctx.channel());
    if (refused != null) { // beyond a connection limit: whatever it asks, the answer is 503
      request.release();
      unavailable(ctx, refused);
      return;
    }
    if (sse.draining() && !isSsePost(request)) {
      // a kept-alive connection of a draining server (an SSE session's POST connection): no new
      // work; the client takes it elsewhere, as UNAVAILABLE
      request.release();
      unavailable(ctx, "the server is shutting down");
      return;
    }
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    if (!limits.admitsOrigin(origin)) {
      // a page of another site (cross-site WebSocket hijacking): refused before any upgrade
      request.release();
      forbidden(ctx, "origin " + origin + " is not allowed");
      return;
    }
    if (!request.decoderResult().isFailure() && routeSse(ctx, request)) {
      return;
    }
    if (!request.decoderResult().isFailure()
        && web != null
        && web.accepts(request.method().name(), request.uri())) {
      // the web handler bounds the connection's idle time between requests from now on
      HandshakeDeadline.complete(ctx.channel());
      timeout.cancel(false);
      ctx.fireChannelRead(new Http1WebHandler.Request(request));
      return;
    }
    if (!request.decoderResult().isFailure() && serveFile(ctx, request)) {
      return;
    }
    HttpResponseStatus refusal = refusal(request);
    if (refusal == null) {
      ctx.pipeline().remove(this); // the handshake replaces the HTTP codec; frames need no gate
      ctx.fireChannelRead(request);
      return;
    }
    try {
      refuse(ctx, refusal);
    } finally {
      request.release();
    }
  }

  /**
   * Answers a GET or HEAD of a static file; returns false for any other request (it may still be
   * the WebSocket upgrade, or gets its refusal).
   */
  private boolean serveFile(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (files == null
        || !StaticFileResponder.applies(request)
        || request.uri().equals(path)
        || request.uri().startsWith(path + "?")) {
      return false;
    }
    WebResource file = files.webResource(request.uri());
    if (file == null) {
      return false;
    }
    try {
      StaticFileResponder.respond(ctx, request, file);
    } finally {
      request.release();
    }
    return true;
  }

  /** Whether the request carries frames to an SSE session ({@code POST <path>/sse/<id>}). */
  private boolean isSsePost(FullHttpRequest request) {
    return HttpMethod.POST.equals(request.method()) && request.uri().startsWith(ssePath + "/");
  }

  /** Handles the SSE transport's requests; returns false for any other request. */
  private boolean routeSse(ChannelHandlerContext ctx, FullHttpRequest request) {
    String uri = request.uri();
    if (uri.equals(ssePath) && HttpMethod.GET.equals(request.method())) {
      request.release();
      // the channel becomes a one-way event stream: no more requests are read from it
      ChannelPipeline p = ctx.pipeline();
      for (String name : new String[] {"websocket", "ws-aggregator", "frames", "http-aggregator"}) {
        if (p.get(name) != null) {
          p.remove(name);
        }
      }
      p.remove(this);
      sse.openEventStream(ctx);
      return true;
    }
    if (isSsePost(request)) {
      try {
        if (sse.post(ctx, request, uri.substring(ssePath.length() + 1))) {
          // a session's keep-alive connection for POSTs: closed once idle (its client reopens one
          // when needed)
          HandshakeDeadline.complete(ctx.channel());
          timeout.cancel(false);
          timeout =
              ctx.executor()
                  .schedule(() -> closeIdle(ctx), sse.postIdleMillis(), TimeUnit.MILLISECONDS);
        }
      } finally {
        request.release();
      }
      return true;
    }
    return false;
  }

  /**
   * Answers {@code 503 Service Unavailable} with {@code reason} as its plain-text body, and closes
   * the connection.
   */
  public static void unavailable(ChannelHandlerContext ctx, String reason) {
    ByteBuf body = ctx.alloc().buffer();
    body.writeCharSequence(reason + "\n", StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  /** Answers {@code 403 Forbidden} with {@code reason} as its body, and closes the connection. */
  private static void forbidden(ChannelHandlerContext ctx, String reason) {
    ByteBuf body = ctx.alloc().buffer();
    body.writeCharSequence(reason + "\n", StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN, body);
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  /** Answers with an empty (204) or short plain-text response; closes the connection if asked. */
  public static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, boolean close) {
    ByteBuf body = ctx.alloc().buffer();
    if (!status.equals(HttpResponseStatus.NO_CONTENT)) {
      body.writeCharSequence(status + "\n", StandardCharsets.US_ASCII);
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    HttpHeaders headers = response.headers();
    if (body.isReadable()) {
      headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=us-ascii");
    }
    headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    if (close) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    } else {
      ChannelFuture unused = ctx.writeAndFlush(response);
    }
  }

  private HttpResponseStatus refusal(FullHttpRequest request) {
    HttpHeaders headers = request.headers();
    if (request.decoderResult().isFailure()) {
      return HttpResponseStatus.BAD_REQUEST;
    } else if (!request
        .uri()
        .equals(path)) { // exact match, as WebSocketServerProtocolHandler compares
      return HttpResponseStatus.NOT_FOUND;
    } else if (!HttpMethod.GET.equals(request.method())) {
      return HttpResponseStatus.METHOD_NOT_ALLOWED;
    } else if (!headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
      return HttpResponseStatus.UPGRADE_REQUIRED;
    }
    return null;
  }

  private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status) {
    ByteBuf body = ctx.alloc().buffer();
    body.writeCharSequence(status + "\n", StandardCharsets.US_ASCII);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=us-ascii");
    headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (status.equals(HttpResponseStatus.UPGRADE_REQUIRED)) {
      headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
      headers.set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, WsPipelines.SUBPROTOCOL);
    } else if (status.equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
      headers.set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
    }
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
