package dev.typedrpc.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gzip member format on buffers that do not start at 0, heap and direct, against the JDK's gzip
 * streams. The transports' own wrappers (the frame engine's per connection, gRPC's per event loop
 * thread) have tests of their own.
 */
class GzipTest {
  private static final byte[] TEXT =
      "typedrpc gzip typedrpc gzip typedrpc gzip typedrpc gzip typedrpc gzip"
          .getBytes(StandardCharsets.US_ASCII);

  private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();

  @AfterEach
  void end() {
    deflater.end();
    inflater.end();
  }

  @Test
  void writesAMemberAtTheBuffersPositionAndMovesNeither() throws IOException {
    for (boolean direct : new boolean[] {false, true}) {
      ByteBuffer in = buffer(direct, 3 + TEXT.length + 2);
      in.position(3);
      in.put(TEXT);
      in.flip().position(3);
      ByteBuffer out = buffer(direct, 200);
      out.position(5).limit(5 + TEXT.length - 1);

      int n = Gzip.gzip(deflater, crc, in, out);
      deflater.reset();

      assertThat(n).isPositive();
      assertThat(in.position()).isEqualTo(3);
      assertThat(out.position()).isEqualTo(5);
      byte[] member = new byte[n];
      out.get(5, member);
      assertThat(member).isEqualTo(jdkGzip(TEXT));
      assertThat(jdkGunzip(member)).isEqualTo(TEXT);
    }
  }

  @Test
  void aMemberThatDoesNotFitIsNotWritten() {
    ByteBuffer in = ByteBuffer.wrap(TEXT);
    assertThat(Gzip.gzip(deflater, crc, in, ByteBuffer.allocate(18))).isEqualTo(-1);
    deflater.reset();
    assertThat(Gzip.gzip(deflater, crc, in, ByteBuffer.allocate(25))).isEqualTo(-1);
  }

  @Test
  void inflatesFromTheBuffersPositionIntoRoomThatGrows() throws Exception {
    byte[] member = jdkGzip(TEXT);
    for (boolean direct : new boolean[] {false, true}) {
      ByteBuffer in = buffer(direct, 7 + member.length + 4);
      in.position(7);
      in.put(member);
      in.flip().position(7);
      Grows out = new Grows(4, 1 << 20);

      assertThat(Gzip.gunzip(inflater, crc, in, out)).isTrue();

      assertThat(out.bytes()).isEqualTo(TEXT);
      assertThat(in.position()).isEqualTo(7);
    }
  }

  @Test
  void stopsAtTheRoomTheOutputOffers() throws Exception {
    byte[] member = jdkGzip(TEXT);
    assertThat(Gzip.gunzip(inflater, crc, ByteBuffer.wrap(member), new Grows(8, TEXT.length)))
        .isTrue();
    inflater.reset();
    Grows short1 = new Grows(8, TEXT.length - 1);
    assertThat(Gzip.gunzip(inflater, crc, ByteBuffer.wrap(member), short1)).isFalse();
    assertThat(short1.bytes()).hasSize(TEXT.length - 1);
  }

  @Test
  void aCorruptTrailerIsRefused() throws IOException {
    byte[] member = jdkGzip(TEXT);
    member[member.length - 5] ^= 1; // the CRC-32
    assertThatThrownBy(
            () -> Gzip.gunzip(inflater, crc, ByteBuffer.wrap(member), new Grows(8, 1 << 20)))
        .isInstanceOf(DataFormatException.class)
        .hasMessage("Corrupt GZIP trailer");
  }

  private static ByteBuffer buffer(boolean direct, int capacity) {
    return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
  }

  private static byte[] jdkGzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] jdkGunzip(byte[] bytes) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    }
  }

  /** An output that doubles its array up to a limit, in room that does not start at 0. */
  private static final class Grows implements Gzip.Output {
    private final int limit;
    private byte[] array;
    private int size;

    Grows(int initial, int limit) {
      this.array = new byte[1 + initial];
      this.limit = limit;
    }

    @Override
    public ByteBuffer room() {
      if (1 + size == array.length && size < limit) {
        array = Arrays.copyOf(array, 1 + Math.min(limit, size * 2));
      }
      return ByteBuffer.wrap(array, 1 + size, array.length - 1 - size);
    }

    @Override
    public void wrote(int n) {
      size += n;
    }

    byte[] bytes() {
      return Arrays.copyOfRange(array, 1, 1 + size);
    }
  }
}
