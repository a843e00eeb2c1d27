package dev.typedrpc.spi.frame;

import dev.typedrpc.Status;
import dev.typedrpc.spi.Gzip;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The gzip of one connection's messages ({@code docs/COMPRESSION.md}): one {@link Deflater} and one
 * {@link Inflater}, created on first use and reset between messages, instead of a pair per message
 * (creating one costs far more than compressing a small message). The format is {@link Gzip}'s.
 *
 * <p>Confined to the connection's executor, like the rest of the connection. {@link #close()} frees
 * the native memory when the connection ends; a message compressed after that uses a pair of its
 * own.
 */
final class GzipCoder {
  private final CRC32 crc = new CRC32();
  private Deflater deflater;
  private Inflater inflater;
  private boolean closed;

  /**
   * {@code bytes[0..length)} as one gzip member; null if that is not smaller (the message goes as
   * it is).
   */
  byte[] gzip(byte[] bytes, int length) {
    Deflater d = deflater();
    try {
      byte[] out = new byte[Math.max(0, length - 1)]; // worth sending only if smaller
      int n = Gzip.gzip(d, crc, ByteBuffer.wrap(bytes, 0, length), ByteBuffer.wrap(out));
      return n < 0 ? null : Arrays.copyOf(out, n);
    } finally {
      release(d);
    }
  }

  /**
   * A gzipped message inflated, never to more than {@code maxSize} bytes: memory stays bounded
   * whatever the compressed bytes claim.
   *
   * @return the inflated bytes, from the buffer's position to its limit
   * @throws ProtocolException {@code RESOURCE_EXHAUSTED} past {@code maxSize}, {@code INTERNAL} if
   *     the bytes are not gzip
   */
  ByteBuffer gunzip(byte[] in, int offset, int length, int maxSize, String method)
      throws ProtocolException {
    Inflater inf = inflater();
    try {
      ArrayOutput out = new ArrayOutput(Math.min(maxSize, Math.max(256, length * 4)), maxSize);
      if (!Gzip.gunzip(inf, crc, ByteBuffer.wrap(in, offset, length), out)) {
        throw ProtocolException.stream(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "compressed message for "
                    + method
                    + " inflates past the limit of "
                    + maxSize
                    + " bytes"));
      }
      return ByteBuffer.wrap(out.bytes, 0, out.size);
    } catch (DataFormatException e) {
      throw ProtocolException.stream(
          Status.INTERNAL.withDescription(
              "could not decompress a gzip message for " + method + ": " + e.getMessage()));
    } finally {
      release(inf);
    }
  }

  /** Ends the deflater and inflater (the connection is gone). */
  void close() {
    closed = true;
    if (deflater != null) {
      deflater.end();
      deflater = null;
    }
    if (inflater != null) {
      inflater.end();
      inflater = null;
    }
  }

  private Deflater deflater() {
    if (closed) {
      return new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    }
    if (deflater == null) {
      deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    }
    return deflater;
  }

  private Inflater inflater() {
    if (closed) {
      return new Inflater(true);
    }
    if (inflater == null) {
      inflater = new Inflater(true);
    }
    return inflater;
  }

  /** Resets the connection's deflater for the next message, or ends a message's own. */
  private void release(Deflater d) {
    if (d == deflater) {
      d.reset();
    } else {
      d.end();
    }
  }

  private void release(Inflater inf) {
    if (inf == inflater) {
      inf.reset();
    } else {
      inf.end();
    }
  }

  /** An array that doubles as it fills, never past the limit. */
  private static final class ArrayOutput implements Gzip.Output {
    private final int limit;
    byte[] bytes;
    int size;

    ArrayOutput(int initial, int limit) {
      this.bytes = new byte[initial];
      this.limit = limit;
    }

    @Override
    public ByteBuffer room() {
      if (size == bytes.length && size < limit) {
        bytes = Arrays.copyOf(bytes, (int) Math.min(limit, bytes.length * 2L));
      }
      return ByteBuffer.wrap(bytes, size, bytes.length - size);
    }

    @Override
    public void wrote(int n) {
      size += n;
    }
  }
}
