package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.Status;
import dev.typedrpc.spi.Gzip;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * gzip of single messages into pooled buffers, for gRPC and the web protocols, in {@link Gzip}'s
 * format: inflation never goes beyond the message size limit, whatever the compressed bytes claim.
 *
 * <p>On a Netty event loop thread the {@link Deflater} and {@link Inflater} are the thread's own,
 * made on first use, reset between messages and ended when the thread ends (the event loop group
 * shuts down): creating one costs more than compressing a small message. On any other thread (an
 * application's pool, a virtual thread) a message gets a pair of its own, ended after it, so native
 * memory stays bounded by the number of event loop threads. Thread-safe.
 */
public final class GrpcGzip {
  /** An event loop thread's pair; {@link Coders#end} when the thread ends. */
  private static final FastThreadLocal<Coders> CODERS =
      new FastThreadLocal<>() {
        @Override
        protected Coders initialValue() {
          return new Coders(true);
        }

        @Override
        protected void onRemoval(Coders coders) {
          coders.end();
        }
      };

  private GrpcGzip() {}

  /**
   * Inflates a gzip message into a pooled buffer the caller owns; {@code compressed} is only read.
   *
   * @throws dev.typedrpc.RpcException {@code RESOURCE_EXHAUSTED} past {@code maxSize}, {@code
   *     INTERNAL} if the bytes are not gzip
   */
  public static ByteBuf gunzip(
      ByteBufAllocator alloc, ByteBuf compressed, int maxSize, String method) {
    Coders coders = coders();
    ByteBuf out =
        alloc.buffer(Math.min(maxSize, Math.max(256, compressed.readableBytes() * 4)), maxSize);
    try {
      if (!Gzip.gunzip(coders.inflater(), coders.crc, readable(compressed), new BufOutput(out))) {
        throw Status.RESOURCE_EXHAUSTED
            .withDescription(
                "decompressed message for "
                    + method
                    + " exceeds the limit of "
                    + maxSize
                    + " bytes")
            .asException();
      }
      ByteBuf result = out;
      out = null;
      return result;
    } catch (DataFormatException e) {
      throw Status.INTERNAL
          .withDescription("could not decompress a gzip message: " + e.getMessage())
          .asException();
    } finally {
      if (out != null) {
        out.release();
      }
      coders.release();
    }
  }

  /**
   * {@code plain}'s readable bytes gzipped into a pooled buffer the caller owns, or null if gzip
   * does not make them smaller; {@code plain} is only read.
   */
  public static ByteBuf gzip(ByteBufAllocator alloc, ByteBuf plain) {
    return gzip(alloc, plain, 0);
  }

  /**
   * As {@link #gzip(ByteBufAllocator, ByteBuf)}, with {@code headroom} bytes left before the gzip
   * data (the buffer's writer index starts after them) for a prefix the caller writes with {@code
   * set} methods.
   */
  public static ByteBuf gzip(ByteBufAllocator alloc, ByteBuf plain, int headroom) {
    int room = plain.readableBytes() - 1; // worth sending only if smaller
    if (room <= 0) {
      return null;
    }
    Coders coders = coders();
    ByteBuf out = alloc.ioBuffer(headroom + room);
    try {
      int n =
          Gzip.gzip(coders.deflater(), coders.crc, readable(plain), out.nioBuffer(headroom, room));
      if (n < 0) {
        return null;
      }
      out.writerIndex(headroom + n);
      ByteBuf result = out;
      out = null;
      return result;
    } finally {
      if (out != null) {
        out.release();
      }
      coders.release();
    }
  }

  /** {@code buf}'s readable bytes as one buffer, copied only if they are in several. */
  private static ByteBuffer readable(ByteBuf buf) {
    return buf.nioBufferCount() == 1
        ? buf.nioBuffer(buf.readerIndex(), buf.readableBytes())
        : ByteBuffer.wrap(ByteBufUtil.getBytes(buf));
  }

  /** The current event loop thread's pair, or a pair for this message alone. */
  private static Coders coders() {
    return FastThreadLocalThread.currentThreadWillCleanupFastThreadLocals()
        ? CODERS.get()
        : new Coders(false);
  }

  /** A pooled buffer that grows as it fills, up to its maximum capacity (the limit). */
  private static final class BufOutput implements Gzip.Output {
    private final ByteBuf out;

    BufOutput(ByteBuf out) {
      this.out = out;
    }

    @Override
    public ByteBuffer room() {
      if (!out.isWritable() && out.writerIndex() < out.maxCapacity()) {
        out.ensureWritable(Math.min(out.maxWritableBytes(), out.capacity()));
      }
      return out.nioBuffer(out.writerIndex(), out.writableBytes());
    }

    @Override
    public void wrote(int n) {
      out.writerIndex(out.writerIndex() + n);
    }
  }

  /**
   * A deflater, an inflater (each made on first use) and a CRC-32. Confined to one thread; a
   * thread's own pair is reset after each message, a message's own pair ended.
   */
  private static final class Coders {
    private final boolean kept;
    final CRC32 crc = new CRC32();
    private Deflater deflater;
    private Inflater inflater;

    Coders(boolean kept) {
      this.kept = kept;
    }

    Deflater deflater() {
      if (deflater == null) {
        deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
      }
      return deflater;
    }

    Inflater inflater() {
      if (inflater == null) {
        inflater = new Inflater(true);
      }
      return inflater;
    }

    /** Resets a thread's pair for the next message, or ends a message's own. */
    void release() {
      if (kept) {
        if (deflater != null) {
          deflater.reset();
        }
        if (inflater != null) {
          inflater.reset();
        }
      } else {
        end();
      }
    }

    void end() {
      if (deflater != null) {
        deflater.end();
        deflater = null;
      }
      if (inflater != null) {
        inflater.end();
        inflater = null;
      }
    }
  }
}
