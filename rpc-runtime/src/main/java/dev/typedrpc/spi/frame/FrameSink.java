package dev.typedrpc.spi.frame;

import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * What a frame-based transport (WebSocket, SSE, in-memory) gives the {@link FrameConnection}: a way
 * to send whole frames over one physical connection, and the connection's serial executor.
 *
 * <p>All methods but {@link #executor()} and {@link #inExecutor()} are called only on that
 * executor.
 */
public interface FrameSink {
  /**
   * A buffer for one outbound frame with at least {@code size} bytes remaining, position 0. The
   * transport may back it with its own (e.g. pooled, direct) memory, so the frame is encoded where
   * it is sent from, without a copy. It must be passed to {@link #write} or {@link #discard} before
   * the next call to {@code allocate}.
   */
  ByteBuffer allocate(int size);

  /**
   * Queues the frame (bytes 0..position of the buffer from {@link #allocate}); ownership passes.
   */
  void write(ByteBuffer frame);

  /**
   * Queues a frame given as {@code length} bytes of {@code frame} from {@code offset}; the bytes
   * are copied before this returns (ownership does not pass). The engine encodes small frames into
   * one reused heap array and hands them over this way, which costs a copy but no per-frame buffer
   * view or encoder. The default copies into a buffer from {@link #allocate} and {@link #write
   * writes} it; a transport that can copy straight into its own buffer should override it.
   */
  default void write(byte[] frame, int offset, int length) {
    ByteBuffer buf = allocate(length);
    buf.put(frame, offset, length);
    write(buf);
  }

  /** Returns a buffer from {@link #allocate} unused (encoding failed). */
  void discard(ByteBuffer frame);

  /** Sends what {@link #write} queued. */
  void flush();

  /** Whether the outbound buffer is below its high-water mark. */
  boolean isWritable();

  /** Closes the physical connection after queued frames are flushed. */
  void close();

  /**
   * Bytes written and not yet sent to the peer (queued in the transport's outbound buffer). The
   * engine asks only while {@link #isWritable()} is false, to enforce {@code
   * TransportSettings.maxQueuedOutboundBytes}. The default, 0, suits a transport whose outbound
   * buffer is bounded by other means.
   */
  default long queuedBytes() {
    return 0;
  }

  /**
   * Stops ({@code false}) or resumes ({@code true}) reading the peer's frames. A server engine
   * stops reading while the outbound buffer is full, so that a peer that sends but does not read
   * cannot make it produce ever more answers (PONGs, refusals); it resumes when the buffer drains.
   * Frames already read are still delivered. The default does nothing (a transport without a way to
   * pause relies on the byte bound alone).
   */
  default void setReading(boolean reading) {}

  /**
   * Closes the physical connection at once, discarding queued frames: the peer is not reading them,
   * so a close that waits for them to be flushed would never happen. The default is {@link
   * #close()}.
   */
  default void abort() {
    close();
  }

  /** The remote address, for logs and {@code ServerStream.peer()}. */
  String peer();

  /**
   * The transport's URI scheme ({@code ws}, {@code sse}, {@code mem}, ...), for {@code
   * ServerStream.transport()}; the default is {@code unknown}.
   */
  default String transport() {
    return "unknown";
  }

  /**
   * The certificate chain the peer presented and this end verified (mutual TLS), its own first, for
   * {@code ServerStream.peerCertificates()}; empty without one. The default is empty.
   */
  default List<X509Certificate> peerCertificates() {
    return List.of();
  }

  /** The connection's serial executor; every {@link FrameConnection} method is called on it. */
  Executor executor();

  /** Whether the caller already runs on {@link #executor()}. */
  boolean inExecutor();
}
