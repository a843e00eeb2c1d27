package dev.typedrpc.inmemory;

import dev.typedrpc.internal.Executors2;
import dev.typedrpc.internal.SerializingExecutor;
import dev.typedrpc.spi.frame.FrameConnection;
import dev.typedrpc.spi.frame.FrameSink;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One end of an in-memory connection. Frames written here are handed, in order, to the peer's
 * connection on the peer's executor. Bytes in flight to the peer are counted, so writability
 * behaves like a socket's.
 */
final class InMemorySink implements FrameSink {
  private static final long HIGH_WATER = 256 * 1024;
  private static final long LOW_WATER = 128 * 1024;

  private final SerializingExecutor executor =
      new SerializingExecutor(Executors2.sharedCallbackExecutor());
  private final String name;
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicBoolean closed;
  private final ArrayDeque<ByteBuffer> queued = new ArrayDeque<>();
  private InMemorySink peer;
  FrameConnection connection;
  private volatile boolean unwritable;

  private InMemorySink(String name, AtomicBoolean closed) {
    this.name = name;
    this.closed = closed;
  }

  /** Two connected ends. */
  static InMemorySink[] pair(String name) {
    AtomicBoolean closed = new AtomicBoolean();
    InMemorySink client = new InMemorySink(name + " (client)", closed);
    InMemorySink server = new InMemorySink(name + " (server)", closed);
    client.peer = server;
    server.peer = client;
    return new InMemorySink[] {client, server};
  }

  @Override
  public ByteBuffer allocate(int size) {
    return ByteBuffer.allocate(size);
  }

  @Override
  public void write(ByteBuffer frame) {
    frame.flip();
    queued.add(frame);
  }

  @Override
  public void discard(ByteBuffer frame) {
    // heap memory: nothing to release
  }

  @Override
  public void flush() {
    while (!queued.isEmpty()) {
      ByteBuffer frame = queued.poll();
      if (closed.get()) {
        continue;
      }
      int size = frame.remaining();
      if (inFlight.addAndGet(size) >= HIGH_WATER) {
        unwritable = true;
      }
      peer.executor.execute(
          () -> {
            peer.connection.onFrame(frame);
            delivered(size);
          });
    }
  }

  private void delivered(int size) {
    if (inFlight.addAndGet(-size) < LOW_WATER && unwritable) {
      unwritable = false;
      executor.execute(() -> connection.onWritabilityChanged());
    }
  }

  @Override
  public long queuedBytes() {
    return inFlight.get();
  }

  @Override
  public boolean isWritable() {
    return !unwritable;
  }

  @Override
  public void close() {
    flush();
    if (closed.compareAndSet(false, true)) {
      executor.execute(() -> connection.onClosed(null));
      peer.executor.execute(() -> peer.connection.onClosed(null));
    }
  }

  /** Ends the connection as if the network failed. */
  void fail(Throwable cause) {
    if (closed.compareAndSet(false, true)) {
      executor.execute(() -> connection.onClosed(cause));
      peer.executor.execute(() -> peer.connection.onClosed(cause));
    }
  }

  boolean isClosed() {
    return closed.get();
  }

  @Override
  public String transport() {
    return "mem";
  }

  @Override
  public String peer() {
    return "mem:" + name;
  }

  @Override
  public Executor executor() {
    return executor;
  }

  @Override
  public boolean inExecutor() {
    return executor.inExecutor();
  }
}
