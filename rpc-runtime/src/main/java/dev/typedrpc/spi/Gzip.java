package dev.typedrpc.spi;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * gzip of single messages, for every transport: the gzip member format around a {@link Deflater}
 * and an {@link Inflater} the caller owns and reuses (creating one costs more than compressing a
 * small message). A message is one complete gzip member, byte for byte what {@link
 * java.util.zip.GZIPOutputStream} writes; inflation reads what {@link
 * java.util.zip.GZIPInputStream} reads (header fields, concatenated members, CRC-32 and size
 * checked, bytes after the last member that are not gzip ignored) and never writes past the
 * caller's limit, whatever the compressed bytes claim.
 */
public final class Gzip {
  /** The header {@link java.util.zip.GZIPOutputStream} writes: no flags, no time, unknown OS. */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private static final int TRAILER_SIZE = 8;
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private Gzip() {}

  /** Where inflated bytes go: room that grows on demand, up to the caller's limit. */
  public interface Output {
    /**
     * Room for the next bytes, from the buffer's position to its limit: at least one byte unless
     * the output is at its limit, then none.
     */
    ByteBuffer room();

    /** {@code n} bytes were written into the last {@link #room()}. */
    void wrote(int n);
  }

  /**
   * {@code in}'s remaining bytes as one gzip member written into {@code out} from its position,
   * only if the member fits in {@code out}'s remaining room. Leaves both buffers' positions and
   * limits where they were; the caller resets {@code deflater} afterwards.
   *
   * @return the member's size, or -1 if it does not fit
   */
  public static int gzip(Deflater deflater, CRC32 crc, ByteBuffer in, ByteBuffer out) {
    int start = out.position();
    int limit = out.limit();
    if (limit - start <= HEADER.length + TRAILER_SIZE) {
      return -1;
    }
    int from = in.position();
    int length = in.remaining();
    int end;
    try {
      crc.reset();
      crc.update(in);
      in.position(from);
      deflater.setInput(in);
      deflater.finish();
      out.limit(limit - TRAILER_SIZE).position(start + HEADER.length);
      while (!deflater.finished() && out.hasRemaining()) {
        int unused = deflater.deflate(out);
      }
      end = out.position();
    } finally {
      in.position(from);
      out.limit(limit).position(start);
    }
    if (!deflater.finished()) {
      return -1;
    }
    out.put(start, HEADER);
    putIntLe(out, end, (int) crc.getValue());
    putIntLe(out, end + 4, length);
    return end + TRAILER_SIZE - start;
  }

  /**
   * Inflates every gzip member of {@code in}'s remaining bytes into {@code out}, each {@link
   * Output#room()} it is given from that buffer's position (which it then moves as it likes).
   * Leaves {@code in}'s position where it was; the caller resets {@code inflater} afterwards.
   *
   * @return false if the message inflates past the room {@code out} offers (not all of it was
   *     written), true when all of it was
   * @throws DataFormatException if the bytes are not gzip, or are cut short
   */
  public static boolean gunzip(Inflater inflater, CRC32 crc, ByteBuffer in, Output out)
      throws DataFormatException {
    int from = in.position();
    int end = in.limit();
    try {
      int pos = readHeader(crc, in, from, end);
      while (true) {
        // one member: its deflated data, then CRC-32 and size
        inflater.reset();
        inflater.setInput(in.position(pos));
        crc.reset();
        while (!inflater.finished()) {
          ByteBuffer room = out.room();
          if (!room.hasRemaining()) {
            // the limit itself is allowed: only a byte past it is refused
            if (inflater.inflate(new byte[1]) > 0) {
              return false;
            }
            if (inflater.finished()) {
              break;
            }
            throw new DataFormatException("Unexpected end of ZLIB input stream");
          }
          int at = room.position();
          int r = inflater.inflate(room);
          if (r == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
            throw new DataFormatException("Unexpected end of ZLIB input stream");
          }
          crc.update(room.limit(at + r).position(at));
          out.wrote(r);
        }
        pos = end - inflater.getRemaining();
        if (end - pos < TRAILER_SIZE) {
          throw new DataFormatException("Unexpected end of ZLIB input stream");
        }
        if (getIntLe(in, pos) != (int) crc.getValue()
            || getIntLe(in, pos + 4) != (int) inflater.getBytesWritten()) {
          throw new DataFormatException("Corrupt GZIP trailer");
        }
        pos += TRAILER_SIZE;
        if (pos == end) {
          return true;
        }
        // more bytes: another member if they start with a gzip header, else ignored (as
        // GZIPInputStream does)
        try {
          pos = readHeader(crc, in, pos, end);
        } catch (DataFormatException notAMember) {
          return true;
        }
      }
    } finally {
      in.limit(end).position(from);
    }
  }

  /**
   * Checks a gzip member header at {@code pos} and skips its optional fields.
   *
   * @return where the deflated data starts
   */
  private static int readHeader(CRC32 crc, ByteBuffer in, int pos, int end)
      throws DataFormatException {
    int start = pos;
    if (end - pos < HEADER.length) {
      throw new DataFormatException("Unexpected end of ZLIB input stream");
    }
    if (in.get(pos) != HEADER[0] || in.get(pos + 1) != HEADER[1]) {
      throw new DataFormatException("Not in GZIP format");
    }
    if (in.get(pos + 2) != 8) {
      throw new DataFormatException("Unsupported compression method");
    }
    int flags = in.get(pos + 3) & 0xff;
    pos += HEADER.length; // magic, method, flags, time, extra flags, OS
    if ((flags & FEXTRA) != 0) {
      pos = need(pos, 2, end);
      pos = need(pos, (in.get(pos - 2) & 0xff) | (in.get(pos - 1) & 0xff) << 8, end);
    }
    if ((flags & FNAME) != 0) {
      pos = skipZeroTerminated(in, pos, end);
    }
    if ((flags & FCOMMENT) != 0) {
      pos = skipZeroTerminated(in, pos, end);
    }
    if ((flags & FHCRC) != 0) {
      crc.reset();
      crc.update(in.duplicate().limit(pos).position(start));
      pos = need(pos, 2, end);
      int expected = (in.get(pos - 2) & 0xff) | (in.get(pos - 1) & 0xff) << 8;
      if (expected != (int) (crc.getValue() & 0xffff)) {
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

  private static int skipZeroTerminated(ByteBuffer in, int pos, int end)
      throws DataFormatException {
    while (pos < end) {
      if (in.get(pos++) == 0) {
        return pos;
      }
    }
    throw new DataFormatException("Unexpected end of ZLIB input stream");
  }

  private static void putIntLe(ByteBuffer out, int pos, int v) {
    out.put(pos, (byte) v)
        .put(pos + 1, (byte) (v >>> 8))
        .put(pos + 2, (byte) (v >>> 16))
        .put(pos + 3, (byte) (v >>> 24));
  }

  private static int getIntLe(ByteBuffer in, int pos) {
    return (in.get(pos) & 0xff)
        | (in.get(pos + 1) & 0xff) << 8
        | (in.get(pos + 2) & 0xff) << 16
        | (in.get(pos + 3) & 0xff) << 24;
  }
}
