package dev.typedrpc.netty.internal.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

/**
 * Right after a client's {@link io.netty.handler.ssl.SslHandler}: while the handshake runs,
 * replaces the cause of a failure (in the handshake completion event and in exceptions) with a
 * {@link TlsFailure} that names it, so every transport's handlers behind it see the same named
 * failure. Leaves once the handshake succeeded. Stateful: one per channel.
 */
final class ClientHandshakeGuard extends ChannelInboundHandlerAdapter {
  private final String peer;
  private final String name;
  private final String protocol;
  private final long timeoutMillis;

  ClientHandshakeGuard(String peer, String name, String protocol, long timeoutMillis) {
    this.peer = peer;
    this.name = name;
    this.protocol = protocol;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (done.isSuccess()) {
        ctx.pipeline().remove(this);
      } else {
        evt = new SslHandshakeCompletionEvent(name(done.cause()));
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.fireExceptionCaught(name(cause));
  }

  /** The handshake did not complete in time. */
  TlsFailure timedOut() {
    return name(
        new SslHandshakeTimeoutException("handshake timed out after " + timeoutMillis + "ms"));
  }

  private TlsFailure name(Throwable cause) {
    Throwable t =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    return TlsFailure.of(t, peer, name, protocol, timeoutMillis);
  }
}
