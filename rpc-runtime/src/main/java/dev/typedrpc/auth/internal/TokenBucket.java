package dev.typedrpc.auth.internal;

/**
 * A token bucket: holds at most {@code capacity} tokens, gains {@code capacity} every {@code
 * periodNanos} (continuously), and a call takes one. Starts full, so a client may burst up to the
 * capacity. Times are {@link System#nanoTime()} values passed in, so tests drive the clock.
 * Thread-safe.
 */
final class TokenBucket {
  private final long capacity;
  private final long periodNanos;
  private double tokens;
  private long refilledAt;
  private long lastUsed;

  TokenBucket(long capacity, long periodNanos, long now) {
    if (capacity < 1 || periodNanos < 1) {
      throw new IllegalArgumentException(
          "a token bucket needs a capacity and a period of at least 1, were "
              + capacity
              + " and "
              + periodNanos);
    }
    this.capacity = capacity;
    this.periodNanos = periodNanos;
    this.tokens = capacity;
    this.refilledAt = now;
    this.lastUsed = now;
  }

  /**
   * Takes a token if there is one.
   *
   * @return 0 if a token was taken; otherwise how many nanoseconds until the next one (at least 1)
   */
  synchronized long tryAcquire(long now) {
    refill(now);
    lastUsed = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    double missing = 1 - tokens;
    return Math.max(1, (long) Math.ceil(missing * periodNanos / capacity));
  }

  /**
   * Gives back a token taken by {@link #tryAcquire} for a call that another limit then refused, so
   * that refused calls do not drain the bucket.
   */
  synchronized void release() {
    tokens = Math.min((double) capacity, tokens + 1);
  }

  private void refill(long now) {
    long elapsed = now - refilledAt;
    if (elapsed > 0) {
      tokens = Math.min((double) capacity, tokens + (double) elapsed * capacity / periodNanos);
      refilledAt = now;
    }
  }

  /**
   * Whether the bucket, last used at {@link #lastUsed}, is full again at {@code now}: then it is
   * indistinguishable from a new one and may be forgotten.
   */
  synchronized boolean fullAt(long now) {
    return now - lastUsed >= periodNanos
        || tokens + (double) (now - refilledAt) * capacity / periodNanos >= capacity;
  }
}
