package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.netty.internal.tls.Tls;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;

/**
 * On a gRPC-over-TLS client connection, after the {@code SslHandler}: once the handshake is done
 * and the server chose {@code h2} by ALPN, puts the {@link H2ClientHandler} in its place; a failed
 * handshake, another protocol or a connection closed before either ends the connection, and the
 * handler learns why ({@link H2ClientHandler#connectFailed}), so its calls fail with {@code
 * UNAVAILABLE} naming the cause. Stateful: one per channel.
 */
final class H2ClientAlpn extends ApplicationProtocolNegotiationHandler {
  private final H2ClientHandler h2;
  private final String peer;
  private boolean settled;

  H2ClientAlpn(H2ClientHandler h2, String peer) {
    super("none");
    this.h2 = h2;
    this.peer = peer;
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      if (!settled) {
        settled = true;
        ctx.pipeline().addLast("h2", h2); // this handler leaves when this returns
      }
    } else {
      fail(ctx, Tls.alpnNotAgreed(peer, ApplicationProtocolNames.HTTP_2, protocol));
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
      fail(
          ctx,
          Tls.describe(
              tls.cause(), peer)); // also for failures that raise no exception (timeout, close)
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, Tls.describe(cause, peer));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    fail(ctx, new IOException("connection to " + peer + " closed during the TLS handshake"));
    super.channelInactive(ctx);
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    if (settled) {
      return;
    }
    settled = true;
    h2.connectFailed(cause);
    ChannelFuture unused = ctx.close();
  }
}
