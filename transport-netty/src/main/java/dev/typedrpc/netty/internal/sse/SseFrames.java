package dev.typedrpc.netty.internal.sse;

import dev.typedrpc.netty.internal.ws.WsPipelines;
import dev.typedrpc.spi.TransportSettings;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * The POST body format of the SSE transport: frames, each preceded by its length as a 4-byte
 * big-endian int.
 */
final class SseFrames {
  /**
   * A POST body holds at most this many full-size frames' worth of bytes (any number of small
   * frames).
   */
  static final int FULL_FRAMES_PER_POST = 4;

  private SseFrames() {}

  /**
   * Hands each frame of {@code body} to {@code sink} (the buffer is read during the call only).
   * Returns false, having delivered the frames before it, if a length is negative, beyond the frame
   * limit or past the body.
   */
  static boolean forEachFrame(ByteBuf body, TransportSettings settings, Consumer<ByteBuffer> sink) {
    int limit = settings.maxFrameSize() + WsPipelines.FRAME_HEADER_ALLOWANCE;
    while (body.isReadable()) {
      if (body.readableBytes() < 4) {
        return false;
      }
      int length = body.readInt();
      if (length <= 0 || length > limit || length > body.readableBytes()) {
        return false;
      }
      sink.accept(body.nioBuffer(body.readerIndex(), length));
      body.skipBytes(length);
    }
    return true;
  }
}
