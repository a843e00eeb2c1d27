package dev.typedrpc.spi.frame;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Encodes outbound frames and hands them to the {@link FrameSink}. A frame of up to {@link
 * #SCRATCH_SIZE} bytes is encoded into a scratch array with a reused encoder and copied to the
 * transport ({@link FrameSink#write(byte[], int, int)}): no buffer view or encoder per frame. If
 * the peer reads BATCH frames, small frames join the open batch, so a flush sends one transport
 * message (one WebSocket message, one SSE event) for all of them instead of one per frame. Larger
 * frames are encoded straight into the transport's buffer.
 *
 * <p>The scratch array is not the connection's: it is taken from {@link ScratchPool} (the thread's
 * spare arrays) when a frame is written with none held, and given back as soon as no batch is open
 * (the sink copied everything out), so an idle connection holds no array.
 *
 * <p>Knows nothing of streams or flushing: {@link FrameWriter} decides what to write and when to
 * flush. Executor only.
 */
final class FrameBatcher {
  /** Frames up to this size go through {@link #scratch}; a 1 KiB message with its header fits. */
  static final int SCRATCH_SIZE = 8 * 1024;

  /** Writes a frame's payload; {@link FrameWriter} computed its size beforehand. */
  @FunctionalInterface
  interface PayloadWriter {
    void write(CodedOutputStream out) throws IOException;
  }

  private final FrameSink sink;
  private final Handshake handshake;

  /**
   * Small outbound frames are encoded here, one after another, and copied out; taken from {@link
   * ScratchPool} when needed and given back when no batch is open. Null while none is held.
   */
  private ScratchPool.Scratch scratch;

  // The open batch: frames in {@link #scratch} not yet handed to the sink, as a BATCH frame whose
  // header starts
  // at batchStart, each frame after its length; they go out at the flush (or when the next does not
  // fit).
  private int batchFrames;
  private int batchStart;

  /**
   * Where the batch's first frame (without its length) starts: a batch of one goes out as that
   * frame alone.
   */
  private int batchFirstFrame;

  /** Where the batch's last whole frame ends. */
  private int batchEnd;

  FrameBatcher(FrameSink sink, Handshake handshake) {
    this.sink = sink;
    this.handshake = handshake;
  }

  /** Encodes one frame and queues it (or adds it to the open batch). */
  void write(byte type, int flags, int id, int payloadSize, PayloadWriter payload) {
    int size = Frames.headerSize(id) + payloadSize;
    if (size <= SCRATCH_SIZE) {
      writeSmall(type, flags, id, size, payload);
      return;
    }
    sendBatch(); // it precedes this frame
    ByteBuffer buf = sink.allocate(size);
    try {
      CodedOutputStream out = Frames.begin(buf, type, flags, id);
      payload.write(out);
      out.flush();
    } catch (IOException | RuntimeException e) {
      sink.discard(buf);
      throw new IllegalStateException("could not encode " + FrameType.name(type), e);
    }
    sink.write(buf);
  }

  /**
   * Encodes a frame into {@link #scratch}. If the peer reads BATCH frames it joins the open batch;
   * otherwise it is copied to the sink at once.
   */
  private void writeSmall(byte type, int flags, int id, int size, PayloadWriter payload) {
    boolean batched = handshake.peerReadsBatches();
    int entry = batched ? CodedOutputStream.computeUInt32SizeNoTag(size) + size : size;
    ScratchPool.Scratch s = scratch;
    if (batchFrames > 0
        && (batchEnd - batchStart - FrameType.BATCH_HEADER_SIZE + entry
                > handshake.peerMaxFrameSize()
            || s.out.spaceLeft() < entry)) {
      handOver(); // a BATCH is a frame: the peer's max_frame_size bounds its payload
      s = scratch; // a write made from inside the sink's may have given it back
    }
    if (s == null) {
      s = ScratchPool.take();
      scratch = s;
    }
    int needed = batched && batchFrames == 0 ? FrameType.BATCH_HEADER_SIZE + entry : entry;
    CodedOutputStream out = s.out;
    if (out == null || out.spaceLeft() < needed) {
      out = CodedOutputStream.newInstance(s.array);
      s.out = out;
    }
    int start;
    try {
      if (batched) {
        if (batchFrames == 0) {
          batchStart = out.getTotalBytesWritten();
          out.writeRawByte(FrameType.BATCH);
          out.writeRawByte(0); // flags
          out.writeRawByte(0); // stream 0
        }
        out.writeUInt32NoTag(size);
      }
      start = out.getTotalBytesWritten();
      Frames.writeHeader(out, type, flags, id);
      payload.write(out);
    } catch (IOException | RuntimeException e) {
      abandonScratch(s);
      throw new IllegalStateException("could not encode " + FrameType.name(type), e);
    }
    int length = out.getTotalBytesWritten() - start;
    if (length != size) {
      abandonScratch(s);
      throw new IllegalStateException(
          "could not encode " + FrameType.name(type),
          new IOException("encoded " + length + " bytes where the size was computed as " + size));
    }
    if (batched) {
      if (batchFrames == 0) {
        batchFirstFrame = start;
      }
      batchFrames++;
      batchEnd = start + length;
    } else {
      sink.write(s.array, start, length);
      release();
    }
  }

  /**
   * A frame failed to encode: the batch's whole frames still go out, and the array starts afresh.
   */
  private void abandonScratch(ScratchPool.Scratch s) {
    handOver();
    s.out = null; // its position is unknown now
    release();
  }

  /**
   * Hands the open batch to the sink and gives the array back: after this the connection holds none
   * until it writes again.
   */
  void sendBatch() {
    handOver();
    release();
  }

  /** Hands the open batch to the sink: one frame as itself, several as one BATCH frame. */
  private void handOver() {
    int frames = batchFrames;
    if (frames == 0) {
      return;
    }
    batchFrames = 0;
    byte[] array = scratch.array;
    if (frames == 1) {
      sink.write(array, batchFirstFrame, batchEnd - batchFirstFrame);
    } else {
      sink.write(array, batchStart, batchEnd - batchStart);
    }
  }

  /**
   * Gives the array back to the thread's spares if no batch is open. The sink copies what it is
   * handed, so nothing refers to the array after it; a write made from inside the sink's (a peer on
   * the same thread answering at once) may have opened a batch in it again, which keeps it.
   */
  private void release() {
    ScratchPool.Scratch s = scratch;
    if (s != null && batchFrames == 0) {
      scratch = null;
      ScratchPool.give(s);
    }
  }

  /**
   * A buffer for one frame the caller encodes itself (a fragment); the open batch goes out first.
   */
  ByteBuffer allocate(int size) {
    sendBatch(); // it precedes the fragment, and the sink may lend one buffer at a time
    return sink.allocate(size);
  }
}
