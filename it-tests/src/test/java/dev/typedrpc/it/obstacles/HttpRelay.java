package dev.typedrpc.it.obstacles;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The HTTP/1.1 part of {@link Http1Proxy} for one client connection: checks each parsed request
 * against the policy, relays the request's parts to its own upstream connection as they come, and
 * relays the response's parts back as they come (flushing each: nothing is held back). A refused
 * request gets an HTTP error and the connection closes. Stateful: one per connection; confined to
 * the connection's event loop.
 */
final class HttpRelay extends ChannelInboundHandlerAdapter {
  private final InetSocketAddress upstream;
  private final Http1Proxy.Policy policy;

  /** Request parts read before the upstream connection was up. */
  private final ArrayDeque<Object> early = new ArrayDeque<>();

  private Channel client;
  private Channel server;
  private boolean refused;

  HttpRelay(InetSocketAddress upstream, Http1Proxy.Policy policy) {
    this.upstream = upstream;
    this.policy = policy;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    client = ctx.channel();
    client.config().setAutoRead(false);
    new Bootstrap()
        .group(client.eventLoop())
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new Responses());
              }
            })
        .connect(upstream)
        .addListener(
            (ChannelFutureListener)
                done -> {
                  if (!done.isSuccess()) {
                    early.forEach(ReferenceCountUtil::release);
                    early.clear();
                    refuse(ctx, HttpResponseStatus.BAD_GATEWAY, "upstream unreachable");
                    return;
                  }
                  server = done.channel();
                  while (!early.isEmpty()) {
                    relay(early.poll(), server, client);
                  }
                  client.config().setAutoRead(true);
                });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (refused) {
      ReferenceCountUtil.release(msg); // the rest of a refused request, or anything after it
      return;
    }
    if (msg instanceof HttpRequest request) {
      HttpResponseStatus refusal = refusal(request);
      if (refusal != null) {
        refused = true;
        ReferenceCountUtil.release(msg);
        refuse(ctx, refusal, policy + " refuses " + request.method() + " " + request.uri());
        return;
      }
    }
    if (server == null) {
      early.add(msg);
    } else {
      relay(msg, server, client);
    }
  }

  private HttpResponseStatus refusal(HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      return HttpResponseStatus.BAD_REQUEST;
    }
    HttpVersion version = request.protocolVersion();
    boolean http1 = version.majorVersion() == 1;
    boolean upgrade = request.headers().contains(HttpHeaderNames.UPGRADE);
    boolean websocket =
        request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    return switch (policy) {
      case NO_WEBSOCKET, NO_WEBSOCKET_TUNNELS_H2 ->
          !http1
              ? HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED
              : websocket ? HttpResponseStatus.FORBIDDEN : null;
      case HTTP1_ONLY ->
          !version.equals(HttpVersion.HTTP_1_1)
              ? HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED
              : upgrade ? HttpResponseStatus.FORBIDDEN : null;
    };
  }

  /**
   * Answers with a short plain-text error and closes the client connection (and with it the
   * upstream one).
   */
  private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            Unpooled.copiedBuffer(status + ": " + why + "\n", StandardCharsets.US_ASCII));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=us-ascii");
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Writes one HTTP message part on; stops reading {@code from} while {@code to} is not writable.
   */
  private static void relay(Object msg, Channel to, Channel from) {
    to.writeAndFlush(msg);
    if (!to.isWritable()) {
      from.config().setAutoRead(false);
    }
  }

  private static void closeOnFlush(Channel ch) {
    if (ch != null && ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (server != null) {
      server.config().setAutoRead(client.isWritable());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    early.forEach(ReferenceCountUtil::release);
    early.clear();
    closeOnFlush(server);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** The upstream side: response parts go back to the client as they arrive. */
  private final class Responses extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      relay(msg, client, ctx.channel());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      client.config().setAutoRead(ctx.channel().isWritable());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closeOnFlush(client);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
