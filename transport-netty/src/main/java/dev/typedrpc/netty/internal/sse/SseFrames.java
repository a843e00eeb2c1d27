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

  /** The frame type of CALL_START, the first frame of a call. */
  private static final byte CALL_START = 0x02;

  /**
   * The stream id of {@code frame} (type, flags, stream id as a varint) if it is a CALL_START, else
   * -1. Does not move the buffer's position.
   */
  static int callStartStream(ByteBuffer frame) {
    int at = frame.position();
    if (frame.remaining() < 3 || frame.get(at) != CALL_START) {
      return -1;
    }
    int id = 0;
    for (int i = 0, shift = 0; i < 5 && at + 2 + i < frame.limit(); i++, shift += 7) {
      byte b = frame.get(at + 2 + i);
      id |= (b & 0x7f) << shift;
      if (b >= 0) {
        return id;
      }
    }
    return -1;
  }
}
