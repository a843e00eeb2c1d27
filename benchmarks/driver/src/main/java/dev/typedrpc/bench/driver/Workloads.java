package dev.typedrpc.bench.driver;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * The measurements, each bounded by a deadline: unary one call at a time (latency percentiles),
 * unary with a fixed number of calls in flight on one connection, server streaming, and unary at
 * fixed rates independent of the responses (open loop; {@link OpenLoop}). Around each one it reads
 * the heap allocated and the CPU time used by client and server, per operation. Results go into a
 * flat map, e.g. {@code unary1.32.p50us}.
 */
public final class Workloads {
  static final int IN_FLIGHT = 64;
  static final int STREAM_MESSAGE_SIZE = 32;

  /** Messages per streaming call; the streaming workload makes calls until its deadline. */
  static final int STREAM_CALL_LENGTH = 100_000;

  private final EchoClient client;
  private final ServerProbe server;
  private final LoadOptions options;
  private final Map<String, Double> results = new LinkedHashMap<>();
  // calls/s of the last unary 64 in flight at 32 B: the maximum the open-loop rates are shares of
  private double maxRate32;

  public Workloads(EchoClient client, ServerProbe server, LoadOptions options) {
    this.client = client;
    this.server = server;
    this.options = options;
  }

  public Map<String, Double> results() {
    return results;
  }

  /**
   * Runs every selected workload for {@code each}; with {@code record} false (warm-up) nothing is
   * kept.
   */
  public void runAll(Duration each, boolean record) throws Exception {
    for (int size : new int[] {32, 1024}) {
      byte[] payload = new byte[size];
      if (options.runs("unary1")) {
        String key = "unary1." + size;
        measure(key, each, record, deadline -> oneAtATime(payload, deadline, key, record));
      }
      if (options.runs("unary64")) {
        double rate =
            measure("unary64." + size, each, record, deadline -> inFlight(payload, deadline));
        if (size == OpenLoop.SIZE) {
          maxRate32 = rate;
        }
      }
    }
    if (options.runs("stream")) {
      measure("stream." + STREAM_MESSAGE_SIZE, each, record, this::streaming);
    }
    if (options.runs("open")) {
      openLoop(each, record);
    }
  }

  /**
   * The open-loop workload: the maximum is this run's unary 64 in flight at 32 B (measured here
   * first, unrecorded, if that workload is not selected); then each share of it for {@code each}.
   */
  private void openLoop(Duration each, boolean record) throws Exception {
    byte[] payload = new byte[OpenLoop.SIZE];
    if (!options.runs("unary64")) {
      maxRate32 = measure("open.max", each, false, deadline -> inFlight(payload, deadline));
    }
    if (!(maxRate32 > 0)) {
      if (record) {
        throw new IllegalStateException("no maximum rate measured to take shares of");
      }
      return; // a warm-up too short to complete a call
    }
    if (record) {
      results.put("open.maxRate", maxRate32);
    }
    for (int percent : OpenLoop.LOAD_PERCENTS) {
      String key = "open" + percent;
      double rate = maxRate32 * percent / 100;
      OpenLoop run = new OpenLoop(client, payload, rate);
      measure(key, each, record, run::run);
      if (record) {
        results.put(key + ".targetRate", rate);
        Histogram latency = run.latency();
        results.put(key + ".p50us", latency.getValueAtPercentile(50) / 1e3);
        results.put(key + ".p99us", latency.getValueAtPercentile(99) / 1e3);
        results.put(key + ".p999us", latency.getValueAtPercentile(99.9) / 1e3);
        results.put(key + ".sendLagP99us", run.sendLag().getValueAtPercentile(99) / 1e3);
      }
    }
  }

  private interface Run {
    /** Runs until {@code deadlineNanos}; returns the number of calls or messages. */
    long run(long deadlineNanos) throws Exception;
  }

  /** Runs {@code run} for {@code duration}; returns its operations per second. */
  private double measure(String key, Duration duration, boolean record, Run run) throws Exception {
    long clientBefore = ProcessStats.allocatedBytes();
    long serverBefore = server.allocatedBytes();
    long clientCpuBefore = ProcessStats.cpuNanos();
    long serverCpuBefore = server.cpuNanos();
    long start = System.nanoTime();
    long ops = run.run(start + duration.toNanos());
    long elapsed = System.nanoTime() - start;
    long clientCpu = ProcessStats.cpuNanos() - clientCpuBefore;
    long serverCpu = server.cpuNanos() - serverCpuBefore;
    long clientAllocated = ProcessStats.allocatedBytes() - clientBefore;
    long serverAllocated = server.allocatedBytes() - serverBefore;
    if (record) {
      results.put(key + ".rate", ops * 1e9 / elapsed);
      results.put(key + ".allocClient", (double) clientAllocated / ops);
      results.put(key + ".allocServer", (double) serverAllocated / ops);
      results.put(key + ".allocTotal", (double) (clientAllocated + serverAllocated) / ops);
      results.put(key + ".cpuClientNs", (double) clientCpu / ops);
      results.put(key + ".cpuServerNs", (double) serverCpu / ops);
      results.put(key + ".cpuTotalNs", (double) (clientCpu + serverCpu) / ops);
    }
    return ops * 1e9 / elapsed;
  }

  private long oneAtATime(byte[] payload, long deadline, String key, boolean record)
      throws Exception {
    Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    long calls = 0;
    for (long now = System.nanoTime(); now < deadline; calls++) {
      client.call(payload);
      long end = System.nanoTime();
      latency.recordValue(Math.min(end - now, latency.getHighestTrackableValue()));
      now = end;
    }
    if (record) {
      results.put(key + ".p50us", latency.getValueAtPercentile(50) / 1e3);
      results.put(key + ".p99us", latency.getValueAtPercentile(99) / 1e3);
      results.put(key + ".p999us", latency.getValueAtPercentile(99.9) / 1e3);
    }
    return calls;
  }

  private long inFlight(byte[] payload, long deadline) throws Exception {
    Semaphore window = new Semaphore(IN_FLIGHT);
    AtomicLong completed = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    while (System.nanoTime() < deadline && failure.get() == null) {
      if (!window.tryAcquire(Checks.STREAM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            IN_FLIGHT + " calls in flight and none completed for a minute");
      }
      CompletableFuture<?> unused =
          client
              .callAsync(payload)
              .whenComplete(
                  (v, e) -> {
                    if (e != null) {
                      failure.compareAndSet(null, e);
                    }
                    completed.incrementAndGet();
                    window.release();
                  });
    }
    if (!window.tryAcquire(IN_FLIGHT, Checks.STREAM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("calls still in flight a minute after the deadline");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a call failed", failure.get());
    }
    return completed.get();
  }

  private long streaming(long deadline) throws Exception {
    long messages = 0;
    while (System.nanoTime() < deadline) {
      client.stream(STREAM_CALL_LENGTH, STREAM_MESSAGE_SIZE);
      messages += STREAM_CALL_LENGTH;
    }
    return messages;
  }
}
