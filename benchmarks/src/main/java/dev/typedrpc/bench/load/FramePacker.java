package dev.typedrpc.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Writes each frame with a 4-byte length prefix, like {@code LengthFieldPrepender}, but packs the
 * frames written before one flush into one buffer: one entry in the outbound buffer and one I/O
 * vector per flush instead of two per frame. A pack is handed on when it would pass {@value
 * #PACK_LIMIT} bytes, so at most that much waits here outside the channel's writability accounting.
 * Only void promises: completing a frame's promise before its pack is written would be a lie, so
 * any other promise fails.
 */
@SuppressWarnings(
    "FutureReturnValueIgnored") // writes use the void promise: failures reach exceptionCaught
final class FramePacker extends ChannelOutboundHandlerAdapter {
  static final int PACK_LIMIT = 64 * 1024;
  private static final int FIRST_CAPACITY = 4 * 1024;

  private ByteBuf pack;

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    ByteBuf frame = (ByteBuf) msg;
    try {
      if (!promise.isVoid()) {
        promise.setFailure(
            new UnsupportedOperationException("frames are written with void promises"));
        return;
      }
      int length = frame.readableBytes();
      if (pack != null && pack.readableBytes() + 4 + length > PACK_LIMIT) {
        handOn(ctx);
      }
      if (pack == null) {
        pack =
            ctx.alloc()
                .ioBuffer(Math.max(FIRST_CAPACITY, 4 + length), Math.max(PACK_LIMIT, 4 + length));
      }
      pack.writeInt(length).writeBytes(frame);
    } finally {
      frame.release();
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    handOn(ctx);
    ctx.flush();
  }

  private void handOn(ChannelHandlerContext ctx) {
    if (pack != null) {
      ByteBuf out = pack;
      pack = null;
      ctx.write(out, ctx.voidPromise());
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (pack != null) {
      pack.release();
      pack = null;
    }
  }
}
