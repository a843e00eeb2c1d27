package dev.typedrpc;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * When and how often a failed call is sent again: gRPC's service-config retry policy. Immutable.
 *
 * <p>A call made with a policy is sent again when an attempt fails with one of {@link
 * #retryableStatusCodes()}, as long as the call has not <em>committed</em>: no response headers or
 * message has arrived, and the request messages kept to send again fit in the call's buffer (64
 * KiB). Between attempts the client waits a random time in {@code [0, min(initialBackoff *
 * backoffMultiplier^(n-1), maxBackoff))} before attempt {@code n + 1} (full jitter), unless the
 * server's {@code grpc-retry-pushback-ms} trailer says otherwise: a value waits exactly that many
 * milliseconds, a negative or malformed one stops the retries. No attempt starts after the call's
 * deadline; each attempt after the first carries {@code grpc-previous-rpc-attempts}. The channel's
 * {@link RetryThrottling} may suppress retries while many calls fail.
 *
 * <p><strong>Only idempotent methods should be retried</strong>: an attempt the server started (and
 * perhaps finished) before failing is sent again. Which policy a call gets:
 *
 * <ol>
 *   <li>its own, set per call or stub with {@link CallOptions#withRetryPolicy}, for any method;
 *   <li>else, for a method declared {@code @Idempotent} ({@link MethodDescriptor#idempotency()}),
 *       the channel's ({@link ChannelOptions#withRetryPolicy}), else {@link #DEFAULT_IDEMPOTENT};
 *   <li>else none: a method not declared idempotent ignores the channel's policy.
 * </ol>
 *
 * {@link #NONE} (per call, or per channel for its idempotent methods) turns retries off. A call
 * without a policy is never sent twice, except when the server provably never started it (a refused
 * stream or one above a GOAWAY's last stream id: the transparent retry, which is not counted as an
 * attempt).
 */
public final class RetryPolicy {
  /** The most attempts a policy may ask for, as in gRPC; larger values are capped to it. */
  public static final int MAX_ATTEMPTS_CAP = 5;

  /**
   * No retries: set it on a call ({@link CallOptions#withRetryPolicy}) or a channel ({@link
   * ChannelOptions#withRetryPolicy}) to send calls of idempotent methods only once.
   */
  public static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ofNanos(1), Duration.ofNanos(1), 1, Set.of());

  /**
   * The policy of an {@code @Idempotent} method when neither its call nor its channel sets one:
   * {@link #unavailable unavailable(3)}, three attempts on {@code UNAVAILABLE}.
   */
  public static final RetryPolicy DEFAULT_IDEMPOTENT = unavailable(3);

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double backoffMultiplier;
  private final Set<Status.Code> retryableStatusCodes;

  private RetryPolicy(
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      double backoffMultiplier,
      Set<Status.Code> retryableStatusCodes) {
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.backoffMultiplier = backoffMultiplier;
    this.retryableStatusCodes = retryableStatusCodes;
  }

  /**
   * A policy.
   *
   * @param maxAttempts attempts in all, the first one included: at least 2; more than {@link
   *     #MAX_ATTEMPTS_CAP} is capped to it
   * @param initialBackoff the bound of the first random wait; positive
   * @param maxBackoff the largest bound of a wait; positive
   * @param backoffMultiplier how much the bound grows after each attempt; positive
   * @param retryableStatusCodes the statuses that are retried: at least one, never {@code OK}
   */
  public static RetryPolicy of(
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      double backoffMultiplier,
      Set<Status.Code> retryableStatusCodes) {
    if (maxAttempts < 2) {
      throw new IllegalArgumentException("maxAttempts must be at least 2, got " + maxAttempts);
    }
    positive(initialBackoff, "initialBackoff");
    positive(maxBackoff, "maxBackoff");
    if (!(backoffMultiplier > 0) || Double.isInfinite(backoffMultiplier)) {
      throw new IllegalArgumentException(
          "backoffMultiplier must be positive and finite, got " + backoffMultiplier);
    }
    Objects.requireNonNull(retryableStatusCodes, "retryableStatusCodes");
    if (retryableStatusCodes.isEmpty()) {
      throw new IllegalArgumentException("retryableStatusCodes needs at least one code");
    }
    if (retryableStatusCodes.contains(Status.Code.OK)) {
      throw new IllegalArgumentException("OK is not a retryable status");
    }
    return new RetryPolicy(
        Math.min(maxAttempts, MAX_ATTEMPTS_CAP),
        initialBackoff,
        maxBackoff,
        backoffMultiplier,
        Set.copyOf(EnumSet.copyOf(retryableStatusCodes)));
  }

  /**
   * {@code maxAttempts} attempts that retry {@code UNAVAILABLE}, waiting up to 100 ms, then 200 ms,
   * ... at most 1 s.
   */
  public static RetryPolicy unavailable(int maxAttempts) {
    return of(
        maxAttempts,
        Duration.ofMillis(100),
        Duration.ofSeconds(1),
        2,
        Set.of(Status.Code.UNAVAILABLE));
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }

  /** Attempts in all, the first one included (at most {@link #MAX_ATTEMPTS_CAP}). */
  public int maxAttempts() {
    return maxAttempts;
  }

  public Duration initialBackoff() {
    return initialBackoff;
  }

  public Duration maxBackoff() {
    return maxBackoff;
  }

  public double backoffMultiplier() {
    return backoffMultiplier;
  }

  /** The statuses that are retried. */
  public Set<Status.Code> retryableStatusCodes() {
    return retryableStatusCodes;
  }

  /** Whether an attempt that failed with {@code code} may be retried. */
  public boolean isRetryable(Status.Code code) {
    return retryableStatusCodes.contains(code);
  }

  /**
   * The bound, in nanoseconds, of the random wait after failed attempt {@code attempt} (1 for the
   * first): {@code min(initialBackoff * backoffMultiplier^(attempt-1), maxBackoff)}.
   */
  public long backoffBoundNanos(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempts count from 1, got " + attempt);
    }
    double bound = initialBackoff.toNanos() * Math.pow(backoffMultiplier, attempt - 1);
    long max = maxBackoff.toNanos();
    return bound >= max ? max : (long) bound;
  }

  /**
   * The wait after failed attempt {@code attempt}, in nanoseconds: {@code random *
   * backoffBoundNanos(attempt)}, for {@code random} uniform in {@code [0, 1)} (full jitter).
   */
  public long backoffNanos(int attempt, double random) {
    if (!(random >= 0 && random < 1)) {
      throw new IllegalArgumentException("random must be in [0, 1), got " + random);
    }
    return (long) (backoffBoundNanos(attempt) * random);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryPolicy p
        && maxAttempts == p.maxAttempts
        && initialBackoff.equals(p.initialBackoff)
        && maxBackoff.equals(p.maxBackoff)
        && Double.compare(backoffMultiplier, p.backoffMultiplier) == 0
        && retryableStatusCodes.equals(p.retryableStatusCodes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        maxAttempts, initialBackoff, maxBackoff, backoffMultiplier, retryableStatusCodes);
  }

  @Override
  @SuppressWarnings("ReferenceEquality") // NONE is one instance, equal to no other policy
  public String toString() {
    if (this == NONE) {
      return "RetryPolicy.NONE";
    }
    return "RetryPolicy[maxAttempts="
        + maxAttempts
        + ", initialBackoff="
        + initialBackoff
        + ", maxBackoff="
        + maxBackoff
        + ", backoffMultiplier="
        + backoffMultiplier
        + ", retryableStatusCodes="
        + retryableStatusCodes
        + "]";
  }
}
