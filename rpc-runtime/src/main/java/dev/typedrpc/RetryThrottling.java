package dev.typedrpc;

/**
 * gRPC's retry throttling, per channel: a token bucket that starts full at {@code maxTokens}; each
 * attempt that fails with a retryable status takes one token, each call that succeeds gives back
 * {@code tokenRatio} (up to {@code maxTokens}); a failed attempt is retried only while more than
 * {@code maxTokens / 2} tokens are left. So when most calls fail, the channel stops multiplying its
 * load with retries, and starts again as calls succeed.
 *
 * @param maxTokens the bucket's size: in {@code (0, 1000]}
 * @param tokenRatio the tokens a success gives back: positive; only three decimals count, as in
 *     gRPC
 */
public record RetryThrottling(int maxTokens, double tokenRatio) {
  public RetryThrottling {
    if (maxTokens <= 0 || maxTokens > 1000) {
      throw new IllegalArgumentException("maxTokens must be in (0, 1000], got " + maxTokens);
    }
    if (!(tokenRatio > 0) || Double.isInfinite(tokenRatio)) {
      throw new IllegalArgumentException(
          "tokenRatio must be positive and finite, got " + tokenRatio);
    }
  }
}
