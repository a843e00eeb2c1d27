package dev.typedrpc.netty.internal.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Right after a client's {@link io.netty.handler.ssl.SslHandler}: while the handshake runs,
 * replaces the cause of a failure (in the handshake completion event and in exceptions) with a
 * {@link TlsFailure} that names it, so every transport's handlers behind it see the same named
 * failure. After the handshake it words an alert OpenSSL reports (with TLS 1.3 a server refuses a
 * client certificate after the client's side of the handshake) as the JDK's provider does, and
 * passes everything else on; it handles only exceptions and events, so reads and writes do not pass
 * through it. Stateful: one per channel.
 */
final class ClientHandshakeGuard extends ChannelInboundHandlerAdapter {
  private final String peer;
  private final String name;
  private final String protocol;
  private final long timeoutMillis;
  private volatile boolean handshaken;

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
        handshaken = true;
      } else {
        evt = new SslHandshakeCompletionEvent(name(done.cause()));
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.fireExceptionCaught(handshaken ? alert(cause) : name(cause));
  }

  /**
   * An OpenSSL alert after the handshake as the JDK's provider reports it: {@code
   * SSLHandshakeException: Received fatal alert: <name>}, in a {@link DecoderException} if it came
   * in one; any other cause unchanged.
   */
  private static Throwable alert(Throwable cause) {
    boolean decoder = cause instanceof DecoderException && cause.getCause() != null;
    Throwable t = decoder ? cause.getCause() : cause;
    if (!(t instanceof SSLException) || t.getMessage() == null) {
      return cause;
    }
    String worded = TlsFailure.alert(t.getMessage());
    if (worded.equals(t.getMessage())) {
      return cause;
    }
    SSLHandshakeException named = new SSLHandshakeException(worded);
    named.initCause(t);
    return decoder ? new DecoderException(named) : named;
  }

  /** Whether the handshake has not succeeded yet. */
  boolean pending() {
    return !handshaken;
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
