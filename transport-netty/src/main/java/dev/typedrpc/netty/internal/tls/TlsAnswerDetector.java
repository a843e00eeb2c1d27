package dev.typedrpc.netty.internal.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * First in a cleartext client's pipeline: if the server's first bytes are a TLS record (a TLS-only
 * server's alert or handshake), the connection fails with an error that says so and names the TLS
 * scheme to use, instead of a protocol error about bytes no cleartext protocol expects. Leaves
 * after the first bytes. Stateful: one per channel.
 */
public final class TlsAnswerDetector extends ChannelInboundHandlerAdapter {
  private static final int ALERT = 0x15;
  private static final int HANDSHAKE = 0x16;

  private final String peer;
  private final String tlsScheme;

  /**
   * @param tlsScheme the scheme of the same transport over TLS, e.g. {@code wss}
   */
  public TlsAnswerDetector(String peer, String tlsScheme) {
    this.peer = peer;
    this.tlsScheme = tlsScheme;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes && bytes.readableBytes() > 0) {
      if (bytes.readableBytes() >= 3 && looksLikeTls(bytes)) {
        ReferenceCountUtil.release(msg);
        ctx.pipeline().remove(this);
        ctx.fireExceptionCaught(new Answer(peer, tlsScheme));
        ChannelFuture unused = ctx.close();
        return;
      }
      ctx.pipeline().remove(this);
    }
    ctx.fireChannelRead(msg);
  }

  private static boolean looksLikeTls(ByteBuf b) {
    int i = b.readerIndex();
    int type = b.getUnsignedByte(i);
    return (type == ALERT || type == HANDSHAKE)
        && b.getUnsignedByte(i + 1) == 3
        && b.getUnsignedByte(i + 2) <= 4;
  }

  /** The server answered with TLS. Its {@link #toString} is its message alone. */
  static final class Answer extends IOException {
    private static final long serialVersionUID = 1L;

    Answer(String peer, String tlsScheme) {
      super(
          "the server at "
              + peer
              + " answered with TLS: it expects a TLS client (use "
              + tlsScheme
              + "://, with tls-trust if its certificate is not in the default trust store)");
    }

    @SuppressWarnings(
        "OverrideThrowableToString") // a status description names the failure, not a class
    @Override
    public String toString() {
      return getMessage();
    }
  }
}
