package dev.typedrpc.bench.driver;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Unary calls sent on a schedule, at a fixed rate that does not depend on the responses (an open
 * loop), on one connection. Call {@code i} is due at {@code start + i / rate}; its latency is
 * measured from that intended time, not from when it was sent, so a server (or client) that stalls
 * is charged for every call that should have left during the stall: the correction for coordinated
 * omission. The sender parks until the next call is due; calls that fell due while it slept (timer
 * granularity, a busy core) leave back to back and their wait counts, and {@link #sendLag()} shows
 * how late the sender itself was. At most {@value #MAX_OUTSTANDING} calls are outstanding: beyond
 * that the sender waits (and the wait, too, counts in the latency).
 */
public final class OpenLoop {
  static final int SIZE = 32;
  public static final List<Integer> LOAD_PERCENTS = List.of(25, 50, 80);
  static final int MAX_OUTSTANDING = 10_000;

  private final EchoClient client;
  private final byte[] payload;
  private final double periodNanos;
  private final Recorder latency = new Recorder(3);
  private final Recorder sendLag = new Recorder(3);
  private Histogram latencyResult;
  private Histogram sendLagResult;

  OpenLoop(EchoClient client, byte[] payload, double callsPerSecond) {
    if (!(callsPerSecond > 0)) {
      throw new IllegalArgumentException("no rate to run at: " + callsPerSecond + " calls/s");
    }
    this.client = client;
    this.payload = payload;
    this.periodNanos = 1e9 / callsPerSecond;
  }

  /** Sends calls on schedule until {@code deadline}, then waits for all; returns the calls. */
  long run(long deadline) throws Exception {
    Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
    AtomicLong completed = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime();
    for (long sent = 0; failure.get() == null; ) {
      long intended = start + (long) (sent * periodNanos);
      if (intended >= deadline) {
        break;
      }
      long now = System.nanoTime();
      if (intended > now) {
        LockSupport.parkNanos(intended - now);
        continue;
      }
      if (!outstanding.tryAcquire(Checks.STREAM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            MAX_OUTSTANDING + " calls outstanding and none completed for a minute");
      }
      sendLag.recordValue(System.nanoTime() - intended);
      CompletableFuture<?> unused =
          client
              .callAsync(payload)
              .whenComplete(
                  (v, e) -> {
                    if (e != null) {
                      failure.compareAndSet(null, e);
                    } else {
                      latency.recordValue(System.nanoTime() - intended);
                    }
                    completed.incrementAndGet();
                    outstanding.release();
                  });
      sent++;
    }
    if (!outstanding.tryAcquire(MAX_OUTSTANDING, Checks.STREAM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("calls still outstanding a minute after the deadline");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a call failed", failure.get());
    }
    latencyResult = latency.getIntervalHistogram();
    sendLagResult = sendLag.getIntervalHistogram();
    return completed.get();
  }

  /** Latency from each call's intended send time to its response, in nanoseconds. */
  Histogram latency() {
    return latencyResult;
  }

  /** How late each call left after its intended send time, in nanoseconds. */
  Histogram sendLag() {
    return sendLagResult;
  }
}
