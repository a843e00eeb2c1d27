package dev.typedrpc.spi.frame;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * What a frame-based transport (WebSocket, SSE, in-memory) gives the {@link FrameConnection}: a way to send
 * whole frames over one physical connection, and the connection's serial executor.
 *
 * <p>All methods but {@link #executor()} and {@link #inExecutor()} are called only on that executor.
 */
public interface FrameSink {
  /**
   * A buffer for one outbound frame with at least {@code size} bytes remaining, position 0. The transport may
   * back it with its own (e.g. pooled, direct) memory, so the frame is encoded where it is sent from, without a
   * copy. It must be passed to {@link #write} or {@link #discard} before the next call to {@code allocate}.
   */
  ByteBuffer allocate(int size);

  /** Queues the frame (bytes 0..position of the buffer from {@link #allocate}); ownership passes. */
  void write(ByteBuffer frame);

  /** Returns a buffer from {@link #allocate} unused (encoding failed). */
  void discard(ByteBuffer frame);

  /** Sends what {@link #write} queued. */
  void flush();

  /** Whether the outbound buffer is below its high-water mark. */
  boolean isWritable();

  /** Closes the physical connection after queued frames are flushed. */
  void close();

  /** The remote address, for logs and {@code ServerStream.peer()}. */
  String peer();

  /** The connection's serial executor; every {@link FrameConnection} method is called on it. */
  Executor executor();

  /** Whether the caller already runs on {@link #executor()}. */
  boolean inExecutor();
}
