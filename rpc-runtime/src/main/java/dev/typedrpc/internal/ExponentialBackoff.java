package dev.typedrpc.internal;

import dev.typedrpc.ConnectionBackoff;
import java.util.function.DoubleSupplier;

/**
 * One sequence of back-off delays, as gRPC computes them: the first is {@code initialBackoff}, each
 * next one {@code multiplier} times the last, capped at {@code maxBackoff}, and each is spread
 * uniformly by {@code ±jitter} of itself. A fresh instance starts over. Not thread-safe.
 */
final class ExponentialBackoff {
  private final double multiplier;
  private final double jitter;
  private final long maxNanos;

  /** Uniform in [0, 1). */
  private final DoubleSupplier random;

  private long nextNanos;

  ExponentialBackoff(ConnectionBackoff config, DoubleSupplier random) {
    this.multiplier = config.multiplier();
    this.jitter = config.jitter();
    this.maxNanos = saturatedNanos(config.maxBackoff());
    this.nextNanos = Math.min(saturatedNanos(config.initialBackoff()), maxNanos);
    this.random = random;
  }

  /** The next delay before jitter, in nanoseconds. */
  long peekNanos() {
    return nextNanos;
  }

  /** The next delay, in nanoseconds; never negative. */
  long nextBackoffNanos() {
    long current = nextNanos;
    // a double past Long.MAX_VALUE casts to Long.MAX_VALUE: the product saturates
    nextNanos = Math.min((long) (current * multiplier), maxNanos);
    double spread = jitter * current;
    long jittered = (long) (current + (random.getAsDouble() * 2 - 1) * spread);
    return Math.max(0, jittered);
  }

  static long saturatedNanos(java.time.Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
