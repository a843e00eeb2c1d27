package dev.typedrpc.bench.scale;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What the client JVM's subscribers received: how many ticks, their latencies (arrival minus the
 * server's stamp, in nanoseconds) and anything that went wrong. Thread-safe: subscribers on any
 * thread report here, one reader takes the latencies.
 */
final class Arrivals {
  private final Recorder latencies = new Recorder(3);
  private final AtomicLong arrived = new AtomicLong();
  private final LongAdder outOfOrder = new LongAdder();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /**
   * A subscriber got tick {@code sequence}, stamped {@code sentNanos}; the tick it got before was
   * {@code previous} (0 for none). Every subscriber must see 1, 2, 3, ... with no gap or repeat.
   */
  void arrive(long sentNanos, long sequence, long previous) {
    latencies.recordValue(Math.max(0, System.nanoTime() - sentNanos));
    if (sequence != previous + 1) {
      outOfOrder.increment();
    }
    arrived.incrementAndGet();
  }

  /** A subscription failed or ended before the client closed it. */
  void fail(Throwable cause) {
    failure.compareAndSet(null, cause);
  }

  long arrived() {
    return arrived.get();
  }

  long outOfOrder() {
    return outOfOrder.sum();
  }

  /** The first failure of any subscription, or null. */
  Throwable failure() {
    return failure.get();
  }

  /** Latencies recorded since the last call. */
  Histogram takeLatencies() {
    return latencies.getIntervalHistogram();
  }
}
