package dev.typedrpc.spi.frame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A sink that runs everything on the calling thread and keeps the frames written, for engine tests.
 */
final class CapturingSink implements FrameSink {
  final List<ByteBuffer> frames = new ArrayList<>();

  /**
   * Tasks handed to the executor (e.g. the flush at the end of a batch): they run when the test
   * says.
   */
  final java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();

  boolean closed;
  int allocated;

  /**
   * What {@link #isWritable()} and {@link #queuedBytes()} report: a test plays a peer that does not
   * read.
   */
  volatile boolean writable = true;

  volatile long queued;

  /** Set by {@link #setReading} and {@link #abort}. */
  volatile boolean reading = true;

  volatile boolean aborted;

  @Override
  public ByteBuffer allocate(int size) {
    allocated += size;
    return ByteBuffer.allocate(size);
  }

  /** The arrays small frames were copied from ({@link #write(byte[], int, int)}), in order. */
  final List<byte[]> copiedFrom = new ArrayList<>();

  /** Runs once, inside the next copying write, after the copy: a peer answering at once. */
  Runnable duringNextWrite;

  @Override
  public void write(byte[] frame, int offset, int length) {
    copiedFrom.add(frame);
    FrameSink.super.write(frame, offset, length);
    Runnable r = duringNextWrite;
    if (r != null) {
      duringNextWrite = null;
      r.run();
    }
  }

  @Override
  public void write(ByteBuffer frame) {
    frame.flip();
    frames.add(frame);
  }

  @Override
  public void discard(ByteBuffer frame) {}

  @Override
  public void flush() {}

  @Override
  public boolean isWritable() {
    return writable;
  }

  @Override
  public long queuedBytes() {
    return queued;
  }

  @Override
  public void setReading(boolean reading) {
    this.reading = reading;
  }

  @Override
  public void abort() {
    aborted = true;
    closed = true;
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String peer() {
    return "test";
  }

  @Override
  public Executor executor() {
    return tasks::add;
  }

  /** Runs the queued tasks, as an event loop would at the end of its batch. */
  void runTasks() {
    while (!tasks.isEmpty()) {
      tasks.poll().run();
    }
  }

  /**
   * What {@link #inExecutor()} says: false plays a caller on another thread, whose work becomes
   * {@link #tasks}.
   */
  volatile boolean onLoop = true;

  @Override
  public boolean inExecutor() {
    return onLoop;
  }

  /**
   * Frames of {@code type} written so far (after running queued tasks), removed from the capture.
   */
  List<ByteBuffer> take(byte type) {
    runTasks();
    List<ByteBuffer> out = new ArrayList<>();
    frames.removeIf(
        f -> {
          if (f.get(0) == type) {
            out.add(f.duplicate());
            return true;
          }
          return false;
        });
    return out;
  }
}
