package dev.typedrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RetryThrottling;
import org.junit.jupiter.api.Test;

class RetryThrottleTest {
  @Test
  void retriesStopOnceHalfTheTokensAreGoneAndResumeAsCallsSucceed() {
    RetryThrottle t = new RetryThrottle(new RetryThrottling(10, 0.5));
    assertThat(t.tokensMillis()).isEqualTo(10_000);
    for (int i = 0; i < 4; i++) { // 9, 8, 7, 6 tokens left: above 5
      assertThat(t.onFailureThenMayRetry()).as("failure %d", i + 1).isTrue();
    }
    assertThat(t.onFailureThenMayRetry()).as("5 tokens left is not above half").isFalse();
    assertThat(t.tokensMillis()).isEqualTo(5_000);
    t.onSuccess();
    assertThat(t.tokensMillis()).isEqualTo(5_500);
    t.onSuccess();
    t.onSuccess(); // 6.5
    assertThat(t.onFailureThenMayRetry()).as("5.5 tokens left").isTrue();
  }

  @Test
  void theBucketStaysBetweenEmptyAndFull() {
    RetryThrottle t = new RetryThrottle(new RetryThrottling(2, 0.001));
    t.onSuccess();
    assertThat(t.tokensMillis()).isEqualTo(2_000);
    for (int i = 0; i < 5; i++) {
      assertThat(t.onFailureThenMayRetry()).isFalse();
    }
    assertThat(t.tokensMillis()).isZero();
    t.onSuccess();
    assertThat(t.tokensMillis()).isEqualTo(1);
  }

  @Test
  void pushbackIsANonNegativeNumberOfMilliseconds() {
    assertThat(RetryingStream.parsePushback("0")).isZero();
    assertThat(RetryingStream.parsePushback("250")).isEqualTo(250);
    assertThat(RetryingStream.parsePushback(" 7 ")).isEqualTo(7);
    assertThat(RetryingStream.parsePushback("-1")).isEqualTo(-1);
    assertThat(RetryingStream.parsePushback("abc")).isEqualTo(-1);
    assertThat(RetryingStream.parsePushback("")).isEqualTo(-1);
    assertThat(RetryingStream.parsePushback("99999999999")).isEqualTo(-1);
    assertThat(RetryingStream.parsePushback("1.5")).isEqualTo(-1);
  }
}
