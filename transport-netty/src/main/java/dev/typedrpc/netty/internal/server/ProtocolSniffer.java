package dev.typedrpc.netty.internal.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every server connection: looks at the first bytes and replaces itself with
 * the pipeline of the protocol they start. A TLS record header of a handshake ({@code 0x16 0x03
 * ...}, a ClientHello) selects TLS, if the server has it; the HTTP/2 client preface ({@code PRI *
 * HTTP/2.0...}, h2c with prior knowledge) selects gRPC over HTTP/2; anything else HTTP/1.1 and
 * WebSocket. A byte that differs from the preface decides as soon as it arrives, so an HTTP/1.1
 * client never waits (a first byte 0x16 waits for the 5-byte record header). Bytes read so far go
 * on to the chosen pipeline. A connection that sends nothing within the handshake timeout is
 * closed. Stateful: one per channel.
 */
public final class ProtocolSniffer extends ByteToMessageDecoder {
  /** Installs the pipeline of one protocol after the sniffer. */
  interface Configurator {
    /**
     * Installs TLS after the sniffer (whose pipeline then chooses by ALPN), or returns false to
     * have the connection closed.
     */
    boolean tls(ChannelHandlerContext sniffer);

    void http2(ChannelHandlerContext sniffer);

    void http1(ChannelHandlerContext sniffer);
  }

  /** The HTTP/2 client connection preface (RFC 9113, section 3.4). */
  static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /**
   * The content type of a TLS handshake record, the first byte of a ClientHello (never of HTTP).
   */
  private static final byte TLS_HANDSHAKE = 0x16;

  /** A TLS record header: content type, version, length. */
  private static final int TLS_RECORD_HEADER = 5;

  private final Configurator configurator;
  private final long timeoutMillis;
  private ScheduledFuture<?> timeout;

  ProtocolSniffer(Configurator configurator, long timeoutMillis) {
    this.configurator = configurator;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    timeout = ctx.executor().schedule(() -> closeIdle(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private static void closeIdle(ChannelHandlerContext ctx) {
    ChannelFuture unused = ctx.channel().close();
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (timeout != null) {
      timeout.cancel(false);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.isReadable() && in.getByte(in.readerIndex()) == TLS_HANDSHAKE) {
      if (in.readableBytes() < TLS_RECORD_HEADER) {
        return;
      }
      if (SslHandler.isEncrypted(in, false)) {
        if (configurator.tls(ctx)) {
          ctx.pipeline().remove(this); // the ClientHello goes on to the SslHandler
        } else {
          in.skipBytes(in.readableBytes());
          ChannelFuture unused = ctx.close();
        }
        return;
      }
    }
    int n = Math.min(in.readableBytes(), PREFACE.length);
    for (int i = 0; i < n; i++) {
      if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
        configurator.http1(ctx);
        ctx.pipeline().remove(this); // hands the bytes read so far to the new pipeline
        return;
      }
    }
    if (n == PREFACE.length) {
      configurator.http2(ctx);
      ctx.pipeline().remove(this);
    }
  }
}
