package dev.typedrpc;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An absolute point in time, on the monotonic {@link System#nanoTime()} clock, by which a call must
 * finish. On the wire it travels as the time remaining, so clocks of client and server need not
 * agree.
 *
 * <p>Immutable and thread-safe.
 */
public final class Deadline implements Comparable<Deadline> {
  /**
   * Longest timeout kept; longer ones are clamped to it. Deadlines are compared by subtracting
   * their nanoTime values, which must stay within 2^63 (about 292 years) of each other: 100 years
   * either way keeps any two deadlines' difference, and any deadline's distance from now, within
   * range.
   */
  private static final long MAX_NANOS = TimeUnit.DAYS.toNanos(365L * 100);

  private final long deadlineNanos;

  private Deadline(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  /** A deadline {@code timeout} from now; negative timeouts give an already expired deadline. */
  public static Deadline after(Duration timeout) {
    return afterNanos(saturatedNanos(timeout));
  }

  /**
   * A deadline {@code amount} {@code unit}s from now. Saturates like {@link #after(Duration)}: use
   * it for a timeout in other units (e.g. microseconds from the wire) instead of multiplying, which
   * can overflow.
   */
  public static Deadline after(long amount, TimeUnit unit) {
    return afterNanos(
        unit.toNanos(amount)); // TimeUnit conversions saturate at Long.MIN_VALUE / MAX_VALUE
  }

  /**
   * A deadline the given number of nanoseconds from now; beyond about 100 years either way it is
   * clamped.
   */
  public static Deadline afterNanos(long nanos) {
    long clamped = Math.max(-MAX_NANOS, Math.min(MAX_NANOS, nanos));
    return new Deadline(System.nanoTime() + clamped);
  }

  /** Nanoseconds left; zero or negative once expired. */
  public long remainingNanos() {
    return deadlineNanos - System.nanoTime();
  }

  public Duration remaining() {
    return Duration.ofNanos(remainingNanos());
  }

  public boolean isExpired() {
    return remainingNanos() <= 0;
  }

  /** The earlier of this and {@code other} (which may be null). */
  public Deadline earliest(Deadline other) {
    return other == null || compareTo(other) <= 0 ? this : other;
  }

  @Override
  public int compareTo(Deadline o) {
    return Long.compare(deadlineNanos - o.deadlineNanos, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Deadline d && d.deadlineNanos == deadlineNanos;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(deadlineNanos);
  }

  @Override
  public String toString() {
    return "Deadline[remaining=" + remaining() + "]";
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
