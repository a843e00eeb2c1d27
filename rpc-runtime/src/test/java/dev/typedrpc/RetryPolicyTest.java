package dev.typedrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final RetryPolicy POLICY =
      RetryPolicy.of(
          4,
          Duration.ofMillis(100),
          Duration.ofMillis(500),
          2,
          Set.of(Status.Code.UNAVAILABLE, Status.Code.ABORTED));

  @Test
  void theBoundGrowsByTheMultiplierUpToTheMaximum() {
    assertThat(POLICY.backoffBoundNanos(1)).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(POLICY.backoffBoundNanos(2)).isEqualTo(Duration.ofMillis(200).toNanos());
    assertThat(POLICY.backoffBoundNanos(3)).isEqualTo(Duration.ofMillis(400).toNanos());
    assertThat(POLICY.backoffBoundNanos(4)).isEqualTo(Duration.ofMillis(500).toNanos());
    assertThat(POLICY.backoffBoundNanos(1000)).isEqualTo(Duration.ofMillis(500).toNanos());
  }

  @Test
  void theWaitIsFullJitterBelowTheBound() {
    assertThat(POLICY.backoffNanos(2, 0)).isZero();
    assertThat(POLICY.backoffNanos(2, 0.5)).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(POLICY.backoffNanos(3, 0.25)).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(POLICY.backoffNanos(9, 0.999999)).isLessThan(Duration.ofMillis(500).toNanos());
    assertThatThrownBy(() -> POLICY.backoffNanos(1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> POLICY.backoffBoundNanos(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMultiplierBelowOneShrinksTheBound() {
    RetryPolicy p =
        RetryPolicy.of(
            3, Duration.ofMillis(100), Duration.ofSeconds(1), 0.5, Set.of(Status.Code.UNAVAILABLE));
    assertThat(p.backoffBoundNanos(2)).isEqualTo(Duration.ofMillis(50).toNanos());
  }

  @Test
  void attemptsAreCappedAtFiveAsInGrpc() {
    assertThat(RetryPolicy.unavailable(9).maxAttempts()).isEqualTo(RetryPolicy.MAX_ATTEMPTS_CAP);
    assertThat(RetryPolicy.unavailable(5).maxAttempts()).isEqualTo(5);
    assertThat(RetryPolicy.unavailable(2).maxAttempts()).isEqualTo(2);
  }

  @Test
  void onlyTheGivenCodesAreRetryable() {
    assertThat(POLICY.isRetryable(Status.Code.UNAVAILABLE)).isTrue();
    assertThat(POLICY.isRetryable(Status.Code.ABORTED)).isTrue();
    assertThat(POLICY.isRetryable(Status.Code.INTERNAL)).isFalse();
    assertThat(POLICY.isRetryable(Status.Code.OK)).isFalse();
  }

  @Test
  void badSettingsAreRejectedWithTheirName() {
    Set<Status.Code> codes = Set.of(Status.Code.UNAVAILABLE);
    Duration d = Duration.ofMillis(1);
    assertThatThrownBy(() -> RetryPolicy.of(1, d, d, 2, codes)).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> RetryPolicy.of(2, Duration.ZERO, d, 2, codes))
        .hasMessageContaining("initialBackoff");
    assertThatThrownBy(() -> RetryPolicy.of(2, d, Duration.ofMillis(-1), 2, codes))
        .hasMessageContaining("maxBackoff");
    assertThatThrownBy(() -> RetryPolicy.of(2, d, d, 0, codes))
        .hasMessageContaining("backoffMultiplier");
    assertThatThrownBy(() -> RetryPolicy.of(2, d, d, Double.NaN, codes))
        .hasMessageContaining("backoffMultiplier");
    assertThatThrownBy(() -> RetryPolicy.of(2, d, d, 2, Set.of()))
        .hasMessageContaining("retryableStatusCodes");
    assertThatThrownBy(() -> RetryPolicy.of(2, d, d, 2, Set.of(Status.Code.OK)))
        .hasMessageContaining("OK");
    assertThatThrownBy(() -> new RetryThrottling(0, 1)).hasMessageContaining("maxTokens");
    assertThatThrownBy(() -> new RetryThrottling(1001, 1)).hasMessageContaining("maxTokens");
    assertThatThrownBy(() -> new RetryThrottling(10, 0)).hasMessageContaining("tokenRatio");
  }

  @Test
  void theOptionsCarryThePolicyThroughOtherChanges() {
    CallOptions o =
        CallOptions.DEFAULT
            .withRetryPolicy(POLICY)
            .withTimeout(Duration.ofSeconds(1))
            .withWaitForReady()
            .detached();
    assertThat(o.retryPolicy()).isEqualTo(POLICY);
    assertThat(CallOptions.DEFAULT.retryPolicy()).isNull();
    ChannelOptions c =
        ChannelOptions.DEFAULT
            .withRetryPolicy(POLICY)
            .withRetryThrottling(new RetryThrottling(10, 0.1))
            .withMaxWaitingCalls(3);
    assertThat(c.retryPolicy()).isEqualTo(POLICY);
    assertThat(c.retryThrottling()).isEqualTo(new RetryThrottling(10, 0.1));
    assertThat(ChannelOptions.DEFAULT.retryPolicy()).isNull();
  }
}
