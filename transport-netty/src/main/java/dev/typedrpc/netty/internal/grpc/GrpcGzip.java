package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
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
 * gzip of single messages into pooled buffers, for gRPC and the web protocols: inflation never goes
 * beyond the message size limit, whatever the compressed bytes claim.
 *
 * <p>Each message is one complete gzip member, byte for byte what {@link
 * java.util.zip.GZIPOutputStream} writes; inflation reads what {@link
 * java.util.zip.GZIPInputStream} reads (header fields, concatenated members, CRC-32 and size
 * checked). On a Netty event loop thread the {@link Deflater} and {@link Inflater} are the thread's
 * own, made on first use, reset between messages and ended when the thread ends (the event loop
 * group shuts down): creating one costs more than compressing a small message. On any other thread
 * (an application's pool, a virtual thread) a message gets a pair of its own, ended after it, so
 * native memory stays bounded by the number of event loop threads. Thread-safe.
 */
public final class GrpcGzip {
  /** The header {@link java.util.zip.GZIPOutputStream} writes: no flags, no time, unknown OS. */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private static final int TRAILER_SIZE = 8;
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

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
      coders.inflate(compressed, out, maxSize, method);
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
    int length = plain.readableBytes();
    // header, deflated data and trailer must come in under length bytes to be worth sending
    int room = length - 1 - HEADER.length - TRAILER_SIZE;
    if (room <= 0) {
      return null;
    }
    Coders coders = coders();
    ByteBuf out = alloc.ioBuffer(headroom + length - 1);
    try {
      ByteBuffer in =
          plain.nioBufferCount() == 1
              ? plain.nioBuffer(plain.readerIndex(), length)
              : ByteBuffer.wrap(ByteBufUtil.getBytes(plain));
      int crc = coders.crc(in.duplicate());
      int deflated = coders.deflate(in, out.nioBuffer(headroom + HEADER.length, room));
      if (deflated < 0) {
        return null;
      }
      out.writerIndex(headroom);
      out.writeBytes(HEADER);
      out.writerIndex(headroom + HEADER.length + deflated);
      out.writeIntLE(crc);
      out.writeIntLE(length);
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

  /** The current event loop thread's pair, or a pair for this message alone. */
  private static Coders coders() {
    return FastThreadLocalThread.currentThreadWillCleanupFastThreadLocals()
        ? CODERS.get()
        : new Coders(false);
  }

  /**
   * A deflater, an inflater (each made on first use) and a CRC-32. Confined to one thread; a
   * thread's own pair is reset after each message, a message's own pair ended.
   */
  private static final class Coders {
    private final boolean kept;
    private final CRC32 crc = new CRC32();
    private Deflater deflater;
    private Inflater inflater;

    Coders(boolean kept) {
      this.kept = kept;
    }

    /**
     * Deflates all of {@code in} into {@code out}.
     *
     * @return the number of bytes written, or -1 if they do not fit
     */
    int deflate(ByteBuffer in, ByteBuffer out) {
      if (deflater == null) {
        deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
      }
      Deflater d = deflater;
      int start = out.position();
      d.setInput(in);
      d.finish();
      while (!d.finished() && out.hasRemaining()) {
        int unused = d.deflate(out);
      }
      return d.finished() ? out.position() - start : -1;
    }

    /** The CRC-32 of {@code bytes}' remaining bytes. */
    int crc(ByteBuffer bytes) {
      crc.reset();
      crc.update(bytes);
      return (int) crc.getValue();
    }

    /** Inflates every gzip member of {@code in} into {@code out}, never past {@code maxSize}. */
    void inflate(ByteBuf in, ByteBuf out, int maxSize, String method) throws DataFormatException {
      if (inflater == null) {
        inflater = new Inflater(true);
      }
      Inflater inf = inflater;
      int pos = in.readerIndex();
      int end = in.writerIndex();
      ByteBuffer input =
          in.nioBufferCount() == 1
              ? in.nioBuffer(pos, end - pos)
              : ByteBuffer.wrap(ByteBufUtil.getBytes(in, pos, end - pos));
      int base = pos; // input's position 0
      pos = readHeader(in, pos, end);
      while (true) {
        // one member: its deflated data, then CRC-32 and size
        inf.reset();
        inf.setInput(input.limit(end - base).position(pos - base));
        crc.reset();
        int memberStart = out.writerIndex();
        while (!inf.finished()) {
          if (!out.isWritable()) {
            if (out.writerIndex() >= maxSize) {
              // exactly maxSize bytes is allowed: only a byte more is refused
              if (inf.inflate(new byte[1]) > 0) {
                throw tooLarge(method, maxSize);
              }
              if (inf.finished()) {
                break;
              }
              throw new DataFormatException("Unexpected end of ZLIB input stream");
            }
            out.ensureWritable(Math.min(maxSize - out.writerIndex(), out.capacity()));
          }
          int w = out.writerIndex();
          int r = inf.inflate(out.nioBuffer(w, out.writableBytes()));
          if (r == 0 && (inf.needsInput() || inf.needsDictionary())) {
            throw new DataFormatException("Unexpected end of ZLIB input stream");
          }
          out.writerIndex(w + r);
        }
        crc.update(out.nioBuffer(memberStart, out.writerIndex() - memberStart));
        pos = end - inf.getRemaining();
        if (end - pos < TRAILER_SIZE) {
          throw new DataFormatException("Unexpected end of ZLIB input stream");
        }
        if (in.getIntLE(pos) != (int) crc.getValue()
            || in.getIntLE(pos + 4) != (int) inf.getBytesWritten()) {
          throw new DataFormatException("Corrupt GZIP trailer");
        }
        pos += TRAILER_SIZE;
        if (pos == end) {
          return;
        }
        // more bytes: another member if they start with a gzip header, else ignored (as
        // GZIPInputStream does)
        try {
          pos = readHeader(in, pos, end);
        } catch (DataFormatException notAMember) {
          return;
        }
      }
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

    /**
     * Checks a gzip member header at {@code pos} and skips its optional fields.
     *
     * @return where the deflated data starts
     */
    private int readHeader(ByteBuf in, int pos, int end) throws DataFormatException {
      int start = pos;
      if (end - pos < HEADER.length) {
        throw new DataFormatException("Unexpected end of ZLIB input stream");
      }
      if (in.getByte(pos) != HEADER[0] || in.getByte(pos + 1) != HEADER[1]) {
        throw new DataFormatException("Not in GZIP format");
      }
      if (in.getByte(pos + 2) != 8) {
        throw new DataFormatException("Unsupported compression method");
      }
      int flags = in.getUnsignedByte(pos + 3);
      pos += HEADER.length; // magic, method, flags, time, extra flags, OS
      if ((flags & FEXTRA) != 0) {
        pos = need(pos, 2, end);
        pos = need(pos, in.getUnsignedShortLE(pos - 2), end);
      }
      if ((flags & FNAME) != 0) {
        pos = skipZeroTerminated(in, pos, end);
      }
      if ((flags & FCOMMENT) != 0) {
        pos = skipZeroTerminated(in, pos, end);
      }
      if ((flags & FHCRC) != 0) {
        crc.reset();
        crc.update(in.nioBuffer(start, pos - start));
        pos = need(pos, 2, end);
        if (in.getUnsignedShortLE(pos - 2) != (int) (crc.getValue() & 0xffff)) {
          throw new DataFormatException("Corrupt GZIP header");
        }
      }
      return pos;
    }
  }

  /** {@code pos + n}, if that many bytes are there. */
  private static int need(int pos, int n, int end) throws DataFormatException {
    if (end - pos < n) {
      throw new DataFormatException("Unexpected end of ZLIB input stream");
    }
    return pos + n;
  }

  private static int skipZeroTerminated(ByteBuf in, int pos, int end) throws DataFormatException {
    int zero = in.indexOf(pos, end, (byte) 0);
    if (zero < 0) {
      throw new DataFormatException("Unexpected end of ZLIB input stream");
    }
    return zero + 1;
  }

  private static RpcException tooLarge(String method, int maxSize) {
    return Status.RESOURCE_EXHAUSTED
        .withDescription(
            "decompressed message for " + method + " exceeds the limit of " + maxSize + " bytes")
        .asException();
  }
}
