package dev.typedrpc.internal;

import dev.typedrpc.RetryThrottling;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The token bucket of a channel's {@link RetryThrottling}, in thousandths of a token (as gRPC, so
 * the ratio's three decimals add up exactly). Thread-safe, lock-free.
 */
final class RetryThrottle {
  private static final int SCALE = 1000;

  private final int max;
  private final int threshold;
  private final int ratio;
  private final AtomicInteger tokens;

  RetryThrottle(RetryThrottling settings) {
    this.max = settings.maxTokens() * SCALE;
    this.threshold = max / 2;
    this.ratio = (int) Math.round(settings.tokenRatio() * SCALE);
    this.tokens = new AtomicInteger(max);
  }

  /** An attempt failed with a retryable status: takes a token; whether a retry is still allowed. */
  boolean onFailureThenMayRetry() {
    int now = tokens.updateAndGet(t -> Math.max(0, t - SCALE));
    return now > threshold;
  }

  /** Whether more than half the tokens are left: a hedged attempt may go out. */
  boolean mayRetry() {
    return tokens.get() > threshold;
  }

  /** A call succeeded: gives back the ratio, up to the bucket's size. */
  void onSuccess() {
    tokens.updateAndGet(t -> Math.min(max, t + ratio));
  }

  /** The tokens left, in thousandths. */
  int tokensMillis() {
    return tokens.get();
  }
}
