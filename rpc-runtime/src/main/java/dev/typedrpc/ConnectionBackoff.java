package dev.typedrpc;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link RpcChannel} spaces its attempts to connect after one failed, as gRPC's connection
 * back-off does: the first retry waits {@code initialBackoff}, each further one {@code multiplier}
 * times longer, up to {@code maxBackoff}, every wait spread by a random {@code ±jitter} fraction.
 * Each attempt may take at least {@code minConnectTimeout} (or the current back-off, if longer)
 * before the channel gives it up. A connection that became ready resets the sequence. Immutable.
 *
 * @param initialBackoff wait after the first failed attempt
 * @param multiplier growth of the wait per failed attempt, at least 1
 * @param jitter the random spread of each wait, as a fraction in [0, 1)
 * @param maxBackoff the longest wait (it caps {@code initialBackoff} too)
 * @param minConnectTimeout the least time one attempt (including transport negotiation) gets to
 *     connect
 */
public record ConnectionBackoff(
    Duration initialBackoff,
    double multiplier,
    double jitter,
    Duration maxBackoff,
    Duration minConnectTimeout) {

  /** gRPC's defaults: 1 s, ×1.6, ±20 %, at most 120 s; 20 s per attempt. */
  public static final ConnectionBackoff DEFAULT =
      new ConnectionBackoff(
          Duration.ofSeconds(1), 1.6, 0.2, Duration.ofSeconds(120), Duration.ofSeconds(20));

  public ConnectionBackoff {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(minConnectTimeout, "minConnectTimeout");
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("initialBackoff must be positive, got " + initialBackoff);
    }
    if (maxBackoff.isNegative() || maxBackoff.isZero()) {
      throw new IllegalArgumentException("maxBackoff must be positive, got " + maxBackoff);
    }
    if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException(
          "multiplier must be a finite number >= 1, got " + multiplier);
    }
    if (!(jitter >= 0 && jitter < 1)) {
      throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
    }
    if (minConnectTimeout.isNegative() || minConnectTimeout.isZero()) {
      throw new IllegalArgumentException(
          "minConnectTimeout must be positive, got " + minConnectTimeout);
    }
  }

  public ConnectionBackoff withInitialBackoff(Duration initial) {
    return new ConnectionBackoff(initial, multiplier, jitter, maxBackoff, minConnectTimeout);
  }

  public ConnectionBackoff withMultiplier(double factor) {
    return new ConnectionBackoff(initialBackoff, factor, jitter, maxBackoff, minConnectTimeout);
  }

  public ConnectionBackoff withJitter(double fraction) {
    return new ConnectionBackoff(
        initialBackoff, multiplier, fraction, maxBackoff, minConnectTimeout);
  }

  public ConnectionBackoff withMaxBackoff(Duration max) {
    return new ConnectionBackoff(initialBackoff, multiplier, jitter, max, minConnectTimeout);
  }

  public ConnectionBackoff withMinConnectTimeout(Duration timeout) {
    return new ConnectionBackoff(initialBackoff, multiplier, jitter, maxBackoff, timeout);
  }
}
