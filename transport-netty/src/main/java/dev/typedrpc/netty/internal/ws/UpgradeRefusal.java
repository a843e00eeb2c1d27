package dev.typedrpc.netty.internal.ws;

import dev.typedrpc.netty.internal.EndpointPath;
import dev.typedrpc.netty.internal.WsEndpoint;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;

/**
 * Names a WebSocket upgrade the server answered with an HTTP error (a wrong path: 404) as every
 * transport names it ({@link EndpointPath}), instead of Netty's handshake exception. Sits right
 * after the client's handshake handler. Stateless per channel but holds its target: one per
 * channel.
 */
final class UpgradeRefusal extends ChannelInboundHandlerAdapter {
  private final WsEndpoint target;

  UpgradeRefusal(WsEndpoint target) {
    this.target = target;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof WebSocketClientHandshakeException e) {
      HttpResponse response = e.response();
      if (response != null && response.status().code() >= 400) {
        ctx.fireExceptionCaught(
            EndpointPath.refused(target.authority(), target.path(), response.status().toString()));
        return;
      }
    }
    ctx.fireExceptionCaught(cause);
  }
}
