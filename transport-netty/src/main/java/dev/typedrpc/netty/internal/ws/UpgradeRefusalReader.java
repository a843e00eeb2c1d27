package dev.typedrpc.netty.internal.ws;

import dev.typedrpc.netty.internal.EndpointPath;
import dev.typedrpc.netty.internal.NamedFailure;
import dev.typedrpc.netty.internal.WsEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Client side, before the WebSocket handshake: a server that answers the upgrade request with
 * anything but {@code 101} fails the connection with that status and the start of its plain-text
 * body (a server refusing a connection beyond its limits says why there), which Netty's handshaker
 * would drop; a {@code 404} is a wrong path, named as every transport names it ({@link
 * EndpointPath}). Leaves the pipeline once the upgrade succeeds. Stateful: one per channel.
 */
final class UpgradeRefusalReader extends ChannelInboundHandlerAdapter {
  /** Most characters of the body quoted. */
  private static final int MAX_TEXT = 256;

  private final WsEndpoint target;

  UpgradeRefusalReader(WsEndpoint target) {
    this.target = target;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpResponse response)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      if (response.status().equals(HttpResponseStatus.NOT_FOUND)) {
        // a wrong path: named as every transport names it
        ctx.fireExceptionCaught(
            EndpointPath.refused(target.authority(), target.path(), response.status().toString()));
        return;
      }
      StringBuilder text =
          new StringBuilder("the server at ")
              .append(target.authority())
              .append(" answered the WebSocket upgrade with ")
              .append(response.status());
      String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
      ByteBuf body = response.content();
      if (type.startsWith("text/plain") && body.isReadable()) {
        text.append(": ");
        int n = Math.min(body.readableBytes(), MAX_TEXT);
        for (int i = 0; i < n; i++) {
          int c = body.getByte(body.readerIndex() + i) & 0xff;
          text.append(c >= 0x20 && c < 0x7f ? (char) c : ' ');
        }
      }
      ctx.fireExceptionCaught(new NamedFailure(text.toString().strip()));
    } finally {
      response.release();
    }
  }
}
