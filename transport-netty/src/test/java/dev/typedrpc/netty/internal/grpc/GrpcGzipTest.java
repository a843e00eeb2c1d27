package dev.typedrpc.netty.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gzip of gRPC and web messages against the JDK's gzip streams, message after message on one
 * thread: on a Netty event loop thread (its deflater and inflater reused) and on another thread (a
 * pair per message); and the decompression limits.
 */
class GrpcGzipTest {
  private static final int LIMIT = 1 << 20;
  private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
  private static final EventExecutor LOOP = new DefaultEventExecutor();

  @AfterAll
  static void stopLoop() {
    LOOP.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Runs {@code body} on the event loop thread or on this one. */
  private static <T> T on(boolean eventLoop, Callable<T> body) throws Exception {
    if (!eventLoop) {
      return body.call();
    }
    try {
      return LOOP.submit(body).get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void writesWhatGzipOutputStreamWritesMessageAfterMessage(boolean eventLoop) throws Exception {
    // the event loop thread keeps its pair (and ends it when the thread ends)
    assertThat(on(eventLoop, FastThreadLocalThread::currentThreadWillCleanupFastThreadLocals))
        .isEqualTo(eventLoop);
    on(
        eventLoop,
        () -> {
          Random random = new Random(7);
          for (int i = 0; i < 200; i++) {
            byte[] message = compressible(random, 1 + random.nextInt(i < 100 ? 4096 : 200_000));
            byte[] gzipped = gzip(Unpooled.wrappedBuffer(message));
            byte[] jdk = jdkGzip(message);
            if (jdk.length < message.length) {
              assertThat(gzipped).isEqualTo(jdk);
              assertThat(jdkGunzip(gzipped)).isEqualTo(message);
            } else {
              assertThat(gzipped).isNull();
            }
          }
          return null;
        });
  }

  @Test
  void readsOnlyTheReadableBytesOfDirectAndCompositeBuffers() throws Exception {
    byte[] message = compressible(new Random(3), 5000);
    ByteBuf direct = ALLOC.directBuffer().writeZero(13).writeBytes(message).writeZero(9);
    direct.readerIndex(13).writerIndex(13 + message.length);
    CompositeByteBuf composite =
        ALLOC
            .compositeBuffer()
            .addComponent(true, Unpooled.wrappedBuffer(message, 0, 1000))
            .addComponent(true, Unpooled.wrappedBuffer(message, 1000, message.length - 1000));
    try {
      assertThat(on(true, () -> gzip(direct))).isEqualTo(jdkGzip(message));
      assertThat(on(false, () -> gzip(composite))).isEqualTo(jdkGzip(message));
      ByteBuf gzipped = ALLOC.directBuffer().writeZero(5).writeBytes(jdkGzip(message));
      gzipped.readerIndex(5);
      assertThat(on(true, () -> gunzip(gzipped, LIMIT))).isEqualTo(message);
      gzipped.release();
    } finally {
      direct.release();
      composite.release();
    }
  }

  @Test
  void aMessageGzipDoesNotShrinkStaysAsItIs() throws Exception {
    byte[] random = new byte[2048];
    new Random(1).nextBytes(random);
    for (boolean eventLoop : new boolean[] {true, false}) {
      assertThat(on(eventLoop, () -> gzip(Unpooled.wrappedBuffer(random)))).isNull();
      // shorter than a gzip header and trailer
      assertThat(on(eventLoop, () -> gzip(Unpooled.wrappedBuffer(new byte[10])))).isNull();
      byte[] zeros = new byte[2048];
      assertThat(on(eventLoop, () -> gzip(Unpooled.wrappedBuffer(zeros))))
          .isEqualTo(jdkGzip(zeros));
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void readsWhatGzipOutputStreamWritesMessageAfterMessage(boolean eventLoop) throws Exception {
    on(
        eventLoop,
        () -> {
          Random random = new Random(11);
          for (int i = 0; i < 200; i++) {
            byte[] message = compressible(random, random.nextInt(100_000));
            assertThat(gunzip(Unpooled.wrappedBuffer(jdkGzip(message)), LIMIT)).isEqualTo(message);
          }
          return null;
        });
  }

  @Test
  void readsOptionalHeaderFieldsAndConcatenatedMembers() throws Exception {
    byte[] first = "hello, ".getBytes(StandardCharsets.US_ASCII);
    byte[] second = "world".getBytes(StandardCharsets.US_ASCII);
    // FEXTRA, FNAME, FCOMMENT and FHCRC, with a correct header CRC
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    header.write(new byte[] {0x1f, (byte) 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3});
    header.write(new byte[] {3, 0, 'x', 'y', 'z'});
    header.write("name\0comment\0".getBytes(StandardCharsets.US_ASCII));
    CRC32 crc = new CRC32();
    crc.update(header.toByteArray());
    header.write((int) crc.getValue() & 0xff);
    header.write((int) (crc.getValue() >>> 8) & 0xff);
    byte[] rich = jdkGzip(second);
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.write(header.toByteArray());
    both.write(rich, 10, rich.length - 10);
    both.write(jdkGzip(first));
    byte[] in = both.toByteArray();
    byte[] expected = "worldhello, ".getBytes(StandardCharsets.US_ASCII);

    assertThat(jdkGunzip(in)).isEqualTo(expected);
    assertThat(on(true, () -> gunzip(Unpooled.wrappedBuffer(in), LIMIT))).isEqualTo(expected);

    in[header.size() - 1] ^= 1; // the header CRC no longer matches
    assertThatThrownBy(() -> jdkGunzip(in)).hasMessage("Corrupt GZIP header");
    assertThatThrownBy(() -> on(true, () -> gunzip(Unpooled.wrappedBuffer(in), LIMIT)))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().description()).contains("Corrupt GZIP header"));
  }

  @Test
  void bytesAfterTheLastMemberThatAreNotGzipAreIgnoredAsByGzipInputStream() throws Exception {
    byte[] message = new byte[5000];
    byte[] gzipped = jdkGzip(message);
    byte[] in = Arrays.copyOf(gzipped, gzipped.length + 40);
    Arrays.fill(in, gzipped.length, in.length, (byte) 'j');
    assertThat(jdkGunzip(in)).isEqualTo(message);
    assertThat(on(true, () -> gunzip(Unpooled.wrappedBuffer(in), LIMIT))).isEqualTo(message);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void badInputFailsTheMessageAndTheNextOneStillDecompresses(boolean eventLoop) throws Exception {
    byte[] message = "a message, a message, a message".getBytes(StandardCharsets.US_ASCII);
    byte[] good = jdkGzip(message);
    byte[] badTrailer = good.clone();
    badTrailer[good.length - 5] ^= 1;
    byte[] truncated = Arrays.copyOf(good, good.length - 3);
    byte[] cutInData = Arrays.copyOf(good, 14);
    byte[] notGzip = "not gzip at all".getBytes(StandardCharsets.US_ASCII);
    byte[] badData = good.clone();
    badData[10] = (byte) 0xff; // a reserved block type
    for (byte[] bad : new byte[][] {badTrailer, truncated, cutInData, notGzip, badData}) {
      assertThatThrownBy(() -> on(eventLoop, () -> gunzip(Unpooled.wrappedBuffer(bad), LIMIT)))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.INTERNAL);
                assertThat(e.status().description())
                    .startsWith("could not decompress a gzip message: ");
              });
      assertThat(on(eventLoop, () -> gunzip(Unpooled.wrappedBuffer(good), LIMIT)))
          .isEqualTo(message);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void inflatesToExactlyTheLimitButNotAByteMore(boolean eventLoop) throws Exception {
    byte[] atLimit = jdkGzip(new byte[LIMIT]);
    assertThat(on(eventLoop, () -> gunzip(Unpooled.wrappedBuffer(atLimit), LIMIT))).hasSize(LIMIT);
    byte[] over = jdkGzip(new byte[LIMIT + 1]);
    assertThatThrownBy(() -> on(eventLoop, () -> gunzip(Unpooled.wrappedBuffer(over), LIMIT)))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.status().description())
                  .isEqualTo(
                      "decompressed message for pkg.S/M exceeds the limit of " + LIMIT + " bytes");
            });
    // a second member that would take the message past the limit is refused too
    ByteArrayOutputStream two = new ByteArrayOutputStream();
    two.write(atLimit);
    two.write(jdkGzip(new byte[1]));
    byte[] in = two.toByteArray();
    assertThatThrownBy(() -> on(eventLoop, () -> gunzip(Unpooled.wrappedBuffer(in), LIMIT)))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void aZipBombStopsAtTheLimit() throws Exception {
    byte[] bomb = jdkGzip(new byte[64 << 20]); // 64 MiB of zeros in about 64 KiB
    assertThatThrownBy(() -> on(true, () -> gunzip(Unpooled.wrappedBuffer(bomb), 4 << 20)))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  /** The gzip of {@code plain}'s readable bytes as an array, or null; {@code plain} is kept. */
  private static byte[] gzip(ByteBuf plain) {
    int reader = plain.readerIndex();
    ByteBuf out = GrpcGzip.gzip(ALLOC, plain);
    assertThat(plain.readerIndex()).isEqualTo(reader);
    if (out == null) {
      return null;
    }
    try {
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  private static byte[] gunzip(ByteBuf compressed, int limit) {
    int reader = compressed.readerIndex();
    ByteBuf out = GrpcGzip.gunzip(ALLOC, compressed, limit, "pkg.S/M");
    assertThat(compressed.readerIndex()).isEqualTo(reader);
    try {
      return ByteBufUtil.getBytes(out);
    } finally {
      out.release();
    }
  }

  /** {@code size} bytes of a few words repeated in random order: gzip shrinks them. */
  private static byte[] compressible(Random random, int size) {
    String[] vocabulary = {"alpha ", "beta ", "gamma ", "delta ", "\u00e9t\u00e9 ", "0123 "};
    ByteArrayOutputStream out = new ByteArrayOutputStream(size + 8);
    while (out.size() < size) {
      byte[] word = vocabulary[random.nextInt(vocabulary.length)].getBytes(StandardCharsets.UTF_8);
      out.write(word, 0, word.length);
      if (random.nextInt(50) == 0) {
        out.write(random.nextInt(256));
      }
    }
    return Arrays.copyOf(out.toByteArray(), size);
  }

  private static byte[] jdkGzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  private static byte[] jdkGunzip(byte[] gzipped) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      return in.readAllBytes();
    }
  }
}
