package dev.typedrpc.spi.frame;

import com.google.protobuf.CodedOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Receives the bytes of one encoded message and cuts them into a MESSAGE_START frame and
 * MESSAGE_PART frames of at most the peer's frame size, each written into a buffer of the
 * transport: memory stays bounded by one frame.
 */
final class FragmentingOutput extends OutputStream {
  private final FrameWriter writer;
  private final int streamId;
  private final int frameSize;
  private int remaining;
  private ByteBuffer current;

  FragmentingOutput(FrameWriter writer, int streamId, int totalLength, int frameSize) {
    this(writer, streamId, totalLength, frameSize, 0);
  }

  /** As above, with {@code flags} on the MESSAGE_START (compressed or not). */
  FragmentingOutput(FrameWriter writer, int streamId, int totalLength, int frameSize, int flags) {
    this.writer = writer;
    this.streamId = streamId;
    this.frameSize = frameSize;
    this.remaining = totalLength;
    int header =
        Frames.headerSize(streamId) + CodedOutputStream.computeUInt32SizeNoTag(totalLength);
    current = writer.allocateFrame(Math.min(frameSize, header + totalLength));
    current.put(FrameType.MESSAGE_START).put((byte) flags);
    putVarint(current, streamId);
    putVarint(current, totalLength);
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    while (len > 0) {
      if (!current.hasRemaining()) {
        nextFrame();
      }
      int n = Math.min(len, current.remaining());
      current.put(b, off, n);
      off += n;
      len -= n;
      remaining -= n;
    }
  }

  private void nextFrame() {
    writer.queueFrame(current);
    int header = Frames.headerSize(streamId);
    current = writer.allocateFrame(Math.min(frameSize, header + remaining));
    current.put(FrameType.MESSAGE_PART).put((byte) 0);
    putVarint(current, streamId);
  }

  /** Queues the last frame. */
  void finish() {
    if (remaining != 0) {
      throw new IllegalStateException(remaining + " bytes of the message were not written");
    }
    writer.queueFrame(current);
    current = null;
  }

  private static void putVarint(ByteBuffer buf, int value) {
    while ((value & ~0x7f) != 0) {
      buf.put((byte) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    buf.put((byte) value);
  }
}
