package dev.typedrpc;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Sending a unary call several times in parallel and taking the first answer: gRPC's service-config
 * hedging policy. Immutable.
 *
 * <p>A hedged call sends its first attempt at once. Whenever {@code hedgingDelay} passes with no
 * attempt answered, it sends one more, up to {@code maxAttempts} in all; each attempt after the
 * first carries {@code grpc-previous-rpc-attempts}. The first attempt to answer (its response
 * headers or message, or an {@code OK}) wins: the others are cancelled and the call is that
 * attempt's. An attempt that fails with one of {@code nonFatalStatusCodes} makes the next attempt
 * go out at once; any other failure ends the call with its status and cancels the others. When
 * every attempt failed, the call ends with the last failure: nothing is retried after that. The
 * server's {@code grpc-retry-pushback-ms} trailer on a failed attempt delays the next attempt by
 * that many milliseconds, or (negative or malformed) stops further attempts. The deadline covers
 * every attempt, and the channel's {@link RetryThrottling} stops new attempts while many calls
 * fail.
 *
 * <p><strong>Give a policy only to idempotent methods</strong>: several attempts may run on the
 * server, some to completion, even though the caller sees one result.
 *
 * <p>Only unary calls are hedged. A streaming call commits as soon as its server answers, so a
 * hedge would only help before its first response, while every attempt holds a stream, and the
 * request messages of a client stream would have to be kept and sent to each; streaming calls made
 * with a hedging policy are sent once (with the transparent retry only).
 *
 * <p>A call has either a retry or a hedging policy: {@link CallOptions#withHedgingPolicy} replaces
 * the call's retry policy and {@link CallOptions#withRetryPolicy} its hedging policy; a call with
 * either ignores both of the channel's ({@link ChannelOptions#withHedgingPolicy}).
 *
 * @param maxAttempts attempts in all, the first one included: at least 2; more than {@link
 *     RetryPolicy#MAX_ATTEMPTS_CAP} is capped to it, as in gRPC
 * @param hedgingDelay how long to wait for an answer before sending the next attempt: zero (all
 *     attempts at once) or positive
 * @param nonFatalStatusCodes the statuses of a failed attempt that let the others go on (and the
 *     next one go out at once); may be empty, never {@code OK}
 */
public record HedgingPolicy(
    int maxAttempts, Duration hedgingDelay, Set<Status.Code> nonFatalStatusCodes) {

  public HedgingPolicy {
    if (maxAttempts < 2) {
      throw new IllegalArgumentException("maxAttempts must be at least 2, got " + maxAttempts);
    }
    maxAttempts = Math.min(maxAttempts, RetryPolicy.MAX_ATTEMPTS_CAP);
    Objects.requireNonNull(hedgingDelay, "hedgingDelay");
    if (hedgingDelay.isNegative()) {
      throw new IllegalArgumentException("hedgingDelay must not be negative, got " + hedgingDelay);
    }
    Objects.requireNonNull(nonFatalStatusCodes, "nonFatalStatusCodes");
    if (nonFatalStatusCodes.contains(Status.Code.OK)) {
      throw new IllegalArgumentException("OK is not a failure");
    }
    nonFatalStatusCodes =
        nonFatalStatusCodes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(nonFatalStatusCodes));
  }

  /**
   * {@code maxAttempts} attempts, one more every {@code hedgingDelay}, where {@code UNAVAILABLE} is
   * not fatal.
   */
  public static HedgingPolicy of(int maxAttempts, Duration hedgingDelay) {
    return new HedgingPolicy(maxAttempts, hedgingDelay, Set.of(Status.Code.UNAVAILABLE));
  }

  /** Whether an attempt that failed with {@code code} lets the call go on. */
  public boolean isNonFatal(Status.Code code) {
    return nonFatalStatusCodes.contains(code);
  }
}
