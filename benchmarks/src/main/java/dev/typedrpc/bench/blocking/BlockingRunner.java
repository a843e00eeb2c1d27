package dev.typedrpc.bench.blocking;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.bench.echo.EchoServiceRpc;
import dev.typedrpc.stub.ClientCalls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A blocking implementation that sleeps {@code --millis=1} per call, served on the default cached
 * pool, on a fixed pool of {@value BlockingServerMain#FIXED_THREADS} threads and on virtual threads
 * ({@code RpcServer.Builder.virtualThreads()}), each in its own server JVM started with {@code
 * --java=PATH} (default: this JVM's; virtual threads need Java 21 or later). A WebSocket client in
 * this JVM keeps {@code --inflight=64,1000} calls in flight for {@code --seconds=5}; modes
 * alternate over {@code --rounds=3} and the best round of each is reported, with its latency and
 * the server's peak number of live platform threads.
 */
public final class BlockingRunner {
  private static final byte[] PAYLOAD = new byte[32];

  private BlockingRunner() {}

  /** One measured round. */
  private record Round(double callsPerSecond, Histogram latency, long peakThreads) {}

  public static String run(List<String> args) throws Exception {
    String java = javaIn(System.getProperty("java.home"));
    int seconds = 5;
    int rounds = 3;
    long millis = 1;
    List<Integer> inflight = List.of(64, 1000);
    List<String> modes = List.of("cached", "fixed", "virtual");
    for (String arg : args) {
      String value = arg.substring(arg.indexOf('=') + 1);
      if (arg.startsWith("--java=")) {
        java = value;
      } else if (arg.startsWith("--seconds=")) {
        seconds = Integer.parseInt(value);
      } else if (arg.startsWith("--rounds=")) {
        rounds = Integer.parseInt(value);
      } else if (arg.startsWith("--millis=")) {
        millis = Long.parseLong(value);
      } else if (arg.startsWith("--inflight=")) {
        inflight = Arrays.stream(value.split(",", -1)).map(Integer::parseInt).toList();
      } else if (arg.startsWith("--modes=")) {
        modes = List.of(value.split(",", -1));
      } else {
        throw new IllegalArgumentException(
            "unknown option "
                + arg
                + "; use --java --seconds --rounds --millis --inflight --modes");
      }
    }
    StringBuilder out =
        new StringBuilder("## A blocking implementation: pool or virtual threads\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "Each call sleeps %d ms in the implementation; server JVM: `%s` (%s); %d round(s) of %d s,"
                + " modes alternating, best round shown.%n%n",
            millis,
            java,
            javaVersion(java),
            rounds,
            seconds));
    out.append(
        """
        | executor | in flight | calls/s | p50 | p99 | peak platform threads (server) |
        |---|---:|---:|---:|---:|---:|
        """);
    for (int n : inflight) {
      Map<String, Round> best = new LinkedHashMap<>();
      Map<String, String> failed = new LinkedHashMap<>();
      for (int r = 0; r < rounds; r++) {
        for (String mode : modes) {
          if (failed.containsKey(mode)) {
            continue;
          }
          try {
            Round round = measure(java, mode, millis, n, seconds);
            Round previous = best.get(mode);
            if (previous == null || round.callsPerSecond > previous.callsPerSecond) {
              best.put(mode, round);
            }
          } catch (IOException e) {
            failed.put(mode, e.getMessage());
          }
        }
      }
      for (String mode : modes) {
        Round round = best.get(mode);
        if (round == null) {
          out.append(
              String.format(
                  Locale.ROOT, "| %s | %d | not run: %s | | | |%n", mode, n, failed.get(mode)));
          continue;
        }
        out.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %,.0f | %s | %s | %d |%n",
                mode,
                n,
                round.callsPerSecond,
                micros(round.latency.getValueAtPercentile(50)),
                micros(round.latency.getValueAtPercentile(99)),
                round.peakThreads));
      }
    }
    return out.toString();
  }

  private static String javaIn(String javaHome) {
    return java.nio.file.Path.of(javaHome, "bin", "java").toString();
  }

  private static String micros(long nanos) {
    return String.format(Locale.ROOT, "%,.0f µs", nanos / 1000.0);
  }

  private static String javaVersion(String java) {
    try {
      Process p = new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
      String first;
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        first = in.readLine();
        while (in.readLine() != null) {
          // drain
        }
      }
      p.waitFor(30, TimeUnit.SECONDS);
      return first == null ? "unknown" : first.trim();
    } catch (IOException | InterruptedException e) {
      return "unknown: " + e.getMessage();
    }
  }

  private static Round measure(String java, String mode, long millis, int inflight, int seconds)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                BlockingServerMain.class.getName(),
                mode,
                Long.toString(millis)));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    PrintStream control = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    try {
      String first = in.readLine();
      if (first == null || !first.startsWith("PORT ")) {
        String error = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        throw new IOException(firstLineOf(error));
      }
      URI target = URI.create("ws://127.0.0.1:" + first.substring(5) + "/rpc");
      try (RpcChannel channel =
          RpcChannel.connect(target, ChannelOptions.DEFAULT.withExecutor(Runnable::run))) {
        load(channel, inflight, Duration.ofSeconds(1)); // warm-up
        control.println("threads");
        in.readLine(); // resets the peak
        Recorder recorder = new Recorder(3);
        long calls = load(channel, inflight, Duration.ofSeconds(seconds), recorder);
        control.println("threads");
        long peak = Long.parseLong(in.readLine());
        return new Round(calls / (double) seconds, recorder.getIntervalHistogram(), peak);
      }
    } finally {
      control.println("quit");
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static String firstLineOf(String error) {
    List<String> lines = error.lines().toList();
    for (String line : lines) {
      int at = line.indexOf("UnsupportedOperationException: ");
      if (at >= 0) {
        return line.substring(at + "UnsupportedOperationException: ".length()).trim();
      }
    }
    return lines.isEmpty() ? "the server JVM did not start" : lines.get(0).trim();
  }

  private static long load(RpcChannel channel, int inflight, Duration length) throws Exception {
    return load(channel, inflight, length, null);
  }

  /** Keeps {@code inflight} calls running until {@code length} is over; returns the calls done. */
  private static long load(RpcChannel channel, int inflight, Duration length, Recorder recorder)
      throws Exception {
    long end = System.nanoTime() + length.toNanos();
    AtomicLong done = new AtomicLong();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    CountDownLatch finished = new CountDownLatch(inflight);
    for (int i = 0; i < inflight; i++) {
      next(channel, end, new Loop(done, failed, finished, recorder));
    }
    if (!finished.await(length.toSeconds() + 60, TimeUnit.SECONDS)) {
      throw new IOException("calls still in flight 60 s after the end");
    }
    if (failed.get() != null) {
      throw new IOException("a call failed: " + failed.get(), failed.get());
    }
    return done.get();
  }

  /** What the calls of one load share. */
  private record Loop(
      AtomicLong done,
      AtomicReference<Throwable> failed,
      CountDownLatch finished,
      Recorder recorder) {}

  private static void next(RpcChannel channel, long end, Loop loop) {
    long start = System.nanoTime();
    if (start >= end || loop.failed.get() != null) {
      loop.finished.countDown();
      return;
    }
    var unused =
        ClientCalls.futureUnary(
                channel,
                EchoServiceRpc.ECHO,
                CallOptions.DEFAULT,
                new EchoServiceRpc.EchoRequest(PAYLOAD))
            .whenComplete(
                (response, failure) -> {
                  if (failure != null) {
                    loop.failed.compareAndSet(null, failure);
                    loop.finished.countDown();
                    return;
                  }
                  if (loop.recorder != null) {
                    loop.recorder.recordValue(System.nanoTime() - start);
                  }
                  loop.done.incrementAndGet();
                  next(channel, end, loop);
                });
  }
}
