package dev.typedrpc.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.spi.frame.FrameSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * A {@link FrameSink} for fuzzing: runs the engine's tasks when the harness says (tasks from other
 * threads, e.g. a deadline timer, wait in the same queue), checks every frame the engine writes and
 * the sink's contract (one allocated buffer at a time, each written or discarded, nothing written
 * after close). Single-use.
 */
final class FuzzSink implements FrameSink {
  private static final byte BATCH = 0x0E;
  private static final byte GOAWAY = 0x0D;
  private static final int LAST_TYPE = 0x0E;

  private final Thread owner = Thread.currentThread();
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private ByteBuffer lent;
  private boolean closed;
  boolean writable = true;

  /**
   * The transport reported the connection gone: the engine may still try to write, and nothing is
   * sent.
   */
  boolean closedByPeer;

  int framesWritten;

  void runTasks() {
    for (int i = 0; i < 10_000; i++) {
      Runnable task = tasks.poll();
      if (task == null) {
        return;
      }
      task.run();
    }
    throw new AssertionError("the engine keeps queueing tasks");
  }

  /** The contract checks that can only be made at the end. */
  void check() {
    assertThat(lent).as("a buffer from allocate() was neither written nor discarded").isNull();
  }

  @Override
  public ByteBuffer allocate(int size) {
    assertThat(lent).as("allocate() while the last buffer is still lent").isNull();
    assertThat(size).as("allocated frame size").isBetween(3, 1 << 24);
    lent = ByteBuffer.allocate(size);
    return lent;
  }

  @Override
  public void write(ByteBuffer frame) {
    assertThat(frame).as("written buffer").isSameAs(lent);
    lent = null;
    frame.flip();
    accept(frame);
  }

  @Override
  public void write(byte[] frame, int offset, int length) {
    accept(ByteBuffer.wrap(frame, offset, length));
  }

  private void accept(ByteBuffer frame) {
    if (!closedByPeer) {
      assertThat(closed).as("frame written after close()").isFalse();
    }
    framesWritten++;
    checkFrame(frame.slice(), false);
  }

  @Override
  public void discard(ByteBuffer frame) {
    assertThat(frame).as("discarded buffer").isSameAs(lent);
    lent = null;
  }

  @Override
  public void flush() {}

  @Override
  public boolean isWritable() {
    return writable;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String peer() {
    return "fuzz";
  }

  @Override
  public Executor executor() {
    return tasks::add;
  }

  @Override
  public boolean inExecutor() {
    return Thread.currentThread() == owner;
  }

  /**
   * A frame the engine wrote must be one a peer can read: known type, known flags, a stream id, a
   * sane BATCH.
   */
  private static void checkFrame(ByteBuffer frame, boolean inBatch) {
    assertThat(frame.remaining()).as("written frame length").isGreaterThanOrEqualTo(3);
    byte type = frame.get();
    int flags = frame.get();
    assertThat(type).as("written frame type").isBetween((byte) 1, (byte) LAST_TYPE);
    assertThat(flags & ~1).as("written frame flags").isZero();
    int id;
    try {
      CodedInputStream in = CodedInputStream.newInstance(frame.duplicate());
      id = in.readRawVarint32();
      frame.position(frame.position() + in.getTotalBytesRead());
    } catch (IOException e) {
      throw new AssertionError("written frame has a malformed stream id", e);
    }
    assertThat(id).as("written stream id").isGreaterThanOrEqualTo(0);
    if (type == BATCH) {
      assertThat(inBatch).as("BATCH written inside a BATCH").isFalse();
      int frames = 0;
      while (frame.hasRemaining()) {
        int length = readLength(frame);
        assertThat(length).as("batched frame length").isBetween(3, frame.remaining());
        ByteBuffer inner = frame.slice();
        inner.limit(length);
        checkFrame(inner, true);
        frame.position(frame.position() + length);
        frames++;
      }
      assertThat(frames).as("frames in a written BATCH").isGreaterThanOrEqualTo(2);
    } else if (type == GOAWAY) {
      assertThat(goAwayMessage(frame)).as("GOAWAY of a bug").doesNotStartWith("internal error");
    }
  }

  private static int readLength(ByteBuffer frame) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(frame.duplicate());
      int length = in.readRawVarint32();
      frame.position(frame.position() + in.getTotalBytesRead());
      return length;
    } catch (IOException e) {
      throw new AssertionError("written BATCH has a malformed length", e);
    }
  }

  private static String goAwayMessage(ByteBuffer payload) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(payload.duplicate());
      String message = "";
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        if (WireFormat.getTagFieldNumber(tag) == 3) {
          message = in.readStringRequireUtf8();
        } else {
          in.skipField(tag);
        }
      }
      return message;
    } catch (IOException e) {
      throw new AssertionError("written GOAWAY does not decode", e);
    }
  }
}
