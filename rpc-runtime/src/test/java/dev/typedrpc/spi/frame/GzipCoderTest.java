package dev.typedrpc.spi.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** A connection's reused gzip against the JDK's gzip streams, and its bounds. */
class GzipCoderTest {
  private static final int LIMIT = 1 << 20;

  private final GzipCoder coder = new GzipCoder();

  @Test
  void writesWhatGzipOutputStreamWritesMessageAfterMessage() throws IOException {
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      byte[] message = compressible(random, 1 + random.nextInt(i < 100 ? 4096 : 200_000), random);
      byte[] gzipped = coder.gzip(message, message.length);
      byte[] jdk = jdkGzip(message, message.length);
      if (jdk.length < message.length) {
        assertThat(gzipped).isEqualTo(jdk);
      } else {
        assertThat(gzipped).isNull();
      }
      if (gzipped != null) {
        assertThat(jdkGunzip(gzipped)).isEqualTo(message);
      }
    }
  }

  @Test
  void compressesOnlyAPrefixWhenTheLengthSaysSo() throws IOException {
    byte[] message = new byte[4000];
    Arrays.fill(message, 0, 2000, (byte) 'a');
    assertThat(coder.gzip(message, 2000)).isEqualTo(jdkGzip(message, 2000));
  }

  @Test
  void aMessageGzipDoesNotShrinkStaysAsItIs() {
    byte[] random = new byte[2048];
    new Random(1).nextBytes(random);
    assertThat(coder.gzip(random, random.length)).isNull();
    assertThat(coder.gzip(new byte[10], 10)).isNull(); // shorter than a gzip header and trailer
    byte[] zeros = new byte[2048];
    assertThat(coder.gzip(zeros, zeros.length)).isEqualTo(jdkGzipUnchecked(zeros));
  }

  @Test
  void readsWhatGzipOutputStreamWritesMessageAfterMessage() throws Exception {
    Random random = new Random(11);
    for (int i = 0; i < 200; i++) {
      byte[] message = compressible(random, random.nextInt(100_000), random);
      byte[] gzipped = jdkGzip(message, message.length);
      byte[] framed = new byte[gzipped.length + 7];
      System.arraycopy(gzipped, 0, framed, 3, gzipped.length);
      assertThat(bytes(coder.gunzip(framed, 3, gzipped.length, LIMIT, "m"))).isEqualTo(message);
    }
  }

  @Test
  void readsOptionalHeaderFieldsAndConcatenatedMembers() throws Exception {
    byte[] first = "hello, ".getBytes(StandardCharsets.US_ASCII);
    byte[] second = "world".getBytes(StandardCharsets.US_ASCII);
    byte[] plain = jdkGzip(first, first.length);
    // FEXTRA, FNAME, FCOMMENT and FHCRC, with a correct header CRC
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.write(new byte[] {0x1f, (byte) 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3});
    header.write(new byte[] {3, 0, 'x', 'y', 'z'});
    header.write("name\0comment\0".getBytes(StandardCharsets.US_ASCII));
    CRC32 crc = new CRC32();
    crc.update(header.toByteArray());
    header.write((int) crc.getValue() & 0xff);
    header.write((int) (crc.getValue() >>> 8) & 0xff);
    byte[] rich = jdkGzip(second, second.length);
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.write(header.toByteArray());
    both.write(rich, 10, rich.length - 10);
    both.write(plain);
    byte[] in = both.toByteArray();

    assertThat(jdkGunzip(in)).isEqualTo("worldhello, ".getBytes(StandardCharsets.US_ASCII));
    assertThat(bytes(coder.gunzip(in, 0, in.length, LIMIT, "m")))
        .isEqualTo("worldhello, ".getBytes(StandardCharsets.US_ASCII));

    in[header.size() - 1] ^= 1; // the header CRC no longer matches
    assertThatThrownBy(() -> jdkGunzip(in)).hasMessage("Corrupt GZIP header");
    assertThatThrownBy(() -> coder.gunzip(in, 0, in.length, LIMIT, "m"))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> assertThat(e.status().description()).contains("Corrupt GZIP header"));
  }

  @Test
  void bytesAfterTheLastMemberThatAreNotGzipAreIgnoredAsByGzipInputStream() throws Exception {
    byte[] message = new byte[5000];
    byte[] gzipped = jdkGzip(message, message.length);
    byte[] in = Arrays.copyOf(gzipped, gzipped.length + 40);
    Arrays.fill(in, gzipped.length, in.length, (byte) 'j');
    assertThat(jdkGunzip(in)).isEqualTo(message);
    assertThat(bytes(coder.gunzip(in, 0, in.length, LIMIT, "m"))).isEqualTo(message);
  }

  @Test
  void badInputFailsTheMessageAndTheNextOneStillDecompresses() throws Exception {
    byte[] message = "a message, a message, a message".getBytes(StandardCharsets.US_ASCII);
    byte[] good = jdkGzip(message, message.length);
    byte[] badTrailer = good.clone();
    badTrailer[good.length - 5] ^= 1;
    byte[] truncated = Arrays.copyOf(good, good.length - 3);
    byte[] cutInData = Arrays.copyOf(good, 14);
    byte[] notGzip = "not gzip at all".getBytes(StandardCharsets.US_ASCII);
    byte[] badData = good.clone();
    badData[10] = (byte) 0xff; // a reserved block type
    for (byte[] bad : new byte[][] {badTrailer, truncated, cutInData, notGzip, badData}) {
      assertThatThrownBy(() -> coder.gunzip(bad, 0, bad.length, LIMIT, "pkg.S/M"))
          .isInstanceOfSatisfying(
              ProtocolException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.INTERNAL);
                assertThat(e.status().description())
                    .startsWith("could not decompress a gzip message for pkg.S/M");
                assertThat(e.connectionLevel()).isFalse();
              });
      assertThat(bytes(coder.gunzip(good, 0, good.length, LIMIT, "m"))).isEqualTo(message);
    }
  }

  @Test
  void inflatesToExactlyTheLimitButNotAByteMore() throws Exception {
    byte[] atLimit = jdkGzip(new byte[LIMIT], LIMIT);
    assertThat(coder.gunzip(atLimit, 0, atLimit.length, LIMIT, "m").remaining()).isEqualTo(LIMIT);
    byte[] over = jdkGzip(new byte[LIMIT + 1], LIMIT + 1);
    assertThatThrownBy(() -> coder.gunzip(over, 0, over.length, LIMIT, "pkg.S/M"))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.status().description())
                  .isEqualTo(
                      "compressed message for pkg.S/M inflates past the limit of "
                          + LIMIT
                          + " bytes");
            });
    // a second member that would take the message past the limit is refused too
    ByteArrayOutputStream two = new ByteArrayOutputStream();
    two.write(atLimit);
    two.write(jdkGzip(new byte[1], 1));
    byte[] in = two.toByteArray();
    assertThatThrownBy(() -> coder.gunzip(in, 0, in.length, LIMIT, "m"))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void aZipBombStopsAtTheLimit() throws Exception {
    byte[] bomb = jdkGzip(new byte[64 << 20], 64 << 20); // 64 MiB of zeros in about 64 KiB
    assertThatThrownBy(() -> coder.gunzip(bomb, 0, bomb.length, 4 << 20, "m"))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void stillWorksAfterTheConnectionClosed() throws Exception {
    byte[] message = new byte[3000];
    byte[] gzipped = coder.gzip(message, message.length);
    coder.close();
    coder.close();
    assertThat(coder.gzip(message, message.length)).isEqualTo(gzipped);
    assertThat(bytes(coder.gunzip(gzipped, 0, gzipped.length, LIMIT, "m"))).isEqualTo(message);
  }

  /** {@code size} bytes of a few words repeated in random order: gzip shrinks them. */
  private static byte[] compressible(Random random, int size, Random words) {
    String[] vocabulary = {"alpha ", "beta ", "gamma ", "delta ", "\u00e9t\u00e9 ", "0123 "};
    ByteArrayOutputStream out = new ByteArrayOutputStream(size + 8);
    while (out.size() < size) {
      byte[] word = vocabulary[words.nextInt(vocabulary.length)].getBytes(StandardCharsets.UTF_8);
      out.write(word, 0, word.length);
      if (random.nextInt(50) == 0) {
        out.write(random.nextInt(256));
      }
    }
    return Arrays.copyOf(out.toByteArray(), size);
  }

  private static byte[] jdkGzip(byte[] bytes, int length) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes, 0, length);
    }
    return out.toByteArray();
  }

  private static byte[] jdkGzipUnchecked(byte[] bytes) {
    try {
      return jdkGzip(bytes, bytes.length);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] jdkGunzip(byte[] gzipped) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      return in.readAllBytes();
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }
}
