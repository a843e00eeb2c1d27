package dev.typedrpc.bench.gzip;

import dev.typedrpc.netty.internal.grpc.GrpcGzip;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One message gzipped and gunzipped by {@link GrpcGzip} on an event loop thread (its deflater and
 * inflater reused) against the code it replaced: a {@code GZIPOutputStream}/{@code GZIPInputStream}
 * (a native deflater or inflater and its window) per message, which gRPC's framer still uses to
 * compress. Run with {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main
 * GzipBenchmark -prof gc}: time per message and heap per message ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Djmh.executor=CUSTOM",
      "-Djmh.executor.class=dev.typedrpc.bench.gzip.EventLoopThreads"
    })
public class GzipBenchmark {
  private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

  /** {@code zeros}: the e2e harness's payload; {@code text}: words in random order. */
  @Param({"zeros", "text"})
  public String payload;

  @Param({"1024", "16384"})
  public int size;

  private ByteBuf plain;
  private ByteBuf gzipped;

  @Setup
  public void setUp() throws IOException {
    if (!FastThreadLocalThread.currentThreadWillCleanupFastThreadLocals()) {
      throw new IllegalStateException("run with -Djmh.executor.class=" + EventLoopThreads.class);
    }
    byte[] bytes = payload.equals("zeros") ? new byte[size] : text(size);
    plain = Unpooled.directBuffer(size).writeBytes(bytes);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    gzipped = Unpooled.directBuffer().writeBytes(out.toByteArray());
  }

  @TearDown
  public void tearDown() {
    plain.release();
    gzipped.release();
  }

  @Benchmark
  public int gzipReused() {
    ByteBuf out = GrpcGzip.gzip(ALLOC, plain);
    int n = out.readableBytes();
    out.release();
    return n;
  }

  @Benchmark
  public int gzipStreamPerMessage() throws IOException {
    ByteBuf out = ALLOC.buffer();
    try (GZIPOutputStream gz = new GZIPOutputStream(new ByteBufOutputStream(out))) {
      plain.getBytes(plain.readerIndex(), gz, plain.readableBytes());
    }
    int n = out.readableBytes();
    out.release();
    return n;
  }

  @Benchmark
  public int gunzipReused() {
    ByteBuf out = GrpcGzip.gunzip(ALLOC, gzipped, 4 << 20, "bench");
    int n = out.readableBytes();
    out.release();
    return n;
  }

  @Benchmark
  public int gunzipStreamPerMessage() throws IOException {
    ByteBuf out = ALLOC.buffer();
    try (InputStream in = new GZIPInputStream(new ByteBufInputStream(gzipped.duplicate()))) {
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) != -1) {
        out.writeBytes(chunk, 0, n);
      }
    }
    int n = out.readableBytes();
    out.release();
    return n;
  }

  private static byte[] text(int size) {
    String[] words = {"alpha ", "beta ", "gamma ", "delta ", "epsilon ", "0123 ", "name: ", "id "};
    Random random = new Random(5);
    StringBuilder s = new StringBuilder(size + 16);
    while (s.length() < size) {
      s.append(words[random.nextInt(words.length)]);
    }
    return s.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }
}
