package dev.typedrpc.spi.frame;

import dev.typedrpc.Status;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The gzip of one connection's messages ({@code docs/COMPRESSION.md}): one {@link Deflater} and one
 * {@link Inflater}, created on first use and reset between messages, instead of a pair per message
 * (creating one costs far more than compressing a small message). Each message is still a complete
 * gzip member, byte for byte what {@link java.util.zip.GZIPOutputStream} writes; decompression
 * reads what {@link java.util.zip.GZIPInputStream} reads (header fields, concatenated members) and
 * never inflates past the message size limit.
 *
 * <p>Confined to the connection's executor, like the rest of the connection. {@link #close()} frees
 * the native memory when the connection ends; a message compressed after that uses a pair of its
 * own.
 */
final class GzipCoder {
  /** The header {@link java.util.zip.GZIPOutputStream} writes: no flags, no time, unknown OS. */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private static final int TRAILER_SIZE = 8;
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private final CRC32 crc = new CRC32();

  /** Where {@link #gunzip} looks for one byte past the limit. */
  private final byte[] probe = new byte[1];

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
      // header, deflated data and trailer must come in under length bytes to be worth sending
      int limit = length - TRAILER_SIZE - 1;
      if (limit <= HEADER.length) {
        return null;
      }
      byte[] out = new byte[length];
      System.arraycopy(HEADER, 0, out, 0, HEADER.length);
      d.setInput(bytes, 0, length);
      d.finish();
      int n = HEADER.length;
      while (!d.finished() && n < limit) {
        n += d.deflate(out, n, limit - n);
      }
      if (!d.finished()) {
        return null;
      }
      crc.reset();
      crc.update(bytes, 0, length);
      writeIntLe(out, n, (int) crc.getValue());
      writeIntLe(out, n + 4, length);
      return Arrays.copyOf(out, n + TRAILER_SIZE);
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
      byte[] out = new byte[Math.min(maxSize, Math.max(256, length * 4))];
      int n = 0;
      int end = offset + length;
      int pos = readHeader(in, offset, end);
      while (true) {
        // one member: its deflated data, then CRC-32 and size
        inf.reset();
        inf.setInput(in, pos, end - pos);
        crc.reset();
        int memberStart = n;
        while (!inf.finished()) {
          if (n == out.length) {
            if (n >= maxSize) {
              // exactly maxSize bytes is allowed: only a byte more is refused
              if (inf.inflate(probe, 0, 1) > 0) {
                throw tooLarge(method, maxSize);
              }
              if (inf.finished()) {
                break;
              }
              throw new DataFormatException("Unexpected end of ZLIB input stream");
            }
            out = Arrays.copyOf(out, (int) Math.min(maxSize, out.length * 2L));
          }
          int r = inf.inflate(out, n, out.length - n);
          if (r == 0 && (inf.needsInput() || inf.needsDictionary())) {
            throw new DataFormatException("Unexpected end of ZLIB input stream");
          }
          n += r;
        }
        crc.update(out, memberStart, n - memberStart);
        pos = end - inf.getRemaining();
        if (end - pos < TRAILER_SIZE) {
          throw new DataFormatException("Unexpected end of ZLIB input stream");
        }
        if (readIntLe(in, pos) != (int) crc.getValue()
            || readIntLe(in, pos + 4) != (int) inf.getBytesWritten()) {
          throw new DataFormatException("Corrupt GZIP trailer");
        }
        pos += TRAILER_SIZE;
        if (pos == end) {
          return ByteBuffer.wrap(out, 0, n);
        }
        // more bytes: another member if they start with a gzip header, else ignored (as
        // GZIPInputStream does)
        try {
          pos = readHeader(in, pos, end);
        } catch (DataFormatException notAMember) {
          return ByteBuffer.wrap(out, 0, n);
        }
      }
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

  /**
   * Checks a gzip member header at {@code pos} and skips its optional fields.
   *
   * @return where the deflated data starts
   */
  private int readHeader(byte[] in, int pos, int end) throws DataFormatException {
    int start = pos;
    if (end - pos < HEADER.length) {
      throw new DataFormatException("Unexpected end of ZLIB input stream");
    }
    if (in[pos] != HEADER[0] || in[pos + 1] != HEADER[1]) {
      throw new DataFormatException("Not in GZIP format");
    }
    if (in[pos + 2] != 8) {
      throw new DataFormatException("Unsupported compression method");
    }
    int flags = in[pos + 3] & 0xff;
    pos += HEADER.length; // magic, method, flags, time, extra flags, OS
    if ((flags & FEXTRA) != 0) {
      pos = need(pos, 2, end);
      pos = need(pos, (in[pos - 2] & 0xff) | (in[pos - 1] & 0xff) << 8, end);
    }
    if ((flags & FNAME) != 0) {
      pos = skipZeroTerminated(in, pos, end);
    }
    if ((flags & FCOMMENT) != 0) {
      pos = skipZeroTerminated(in, pos, end);
    }
    if ((flags & FHCRC) != 0) {
      crc.reset();
      crc.update(in, start, pos - start);
      pos = need(pos, 2, end);
      if (((in[pos - 2] & 0xff) | (in[pos - 1] & 0xff) << 8) != (int) (crc.getValue() & 0xffff)) {
        throw new DataFormatException("Corrupt GZIP header");
      }
    }
    return pos;
  }

  /** {@code pos + n}, if that many bytes are there. */
  private static int need(int pos, int n, int end) throws DataFormatException {
    if (end - pos < n) {
      throw new DataFormatException("Unexpected end of ZLIB input stream");
    }
    return pos + n;
  }

  private static int skipZeroTerminated(byte[] in, int pos, int end) throws DataFormatException {
    while (pos < end) {
      if (in[pos++] == 0) {
        return pos;
      }
    }
    throw new DataFormatException("Unexpected end of ZLIB input stream");
  }

  private static ProtocolException tooLarge(String method, int maxSize) {
    return ProtocolException.stream(
        Status.RESOURCE_EXHAUSTED.withDescription(
            "compressed message for "
                + method
                + " inflates past the limit of "
                + maxSize
                + " bytes"));
  }

  private static void writeIntLe(byte[] out, int pos, int v) {
    out[pos] = (byte) v;
    out[pos + 1] = (byte) (v >>> 8);
    out[pos + 2] = (byte) (v >>> 16);
    out[pos + 3] = (byte) (v >>> 24);
  }

  private static int readIntLe(byte[] in, int pos) {
    return (in[pos] & 0xff)
        | (in[pos + 1] & 0xff) << 8
        | (in[pos + 2] & 0xff) << 16
        | (in[pos + 3] & 0xff) << 24;
  }
}
