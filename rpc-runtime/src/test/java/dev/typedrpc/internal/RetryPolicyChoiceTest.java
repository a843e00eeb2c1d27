package dev.typedrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallKind;
import dev.typedrpc.HedgingPolicy;
import dev.typedrpc.Idempotency;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RetryPolicy;
import dev.typedrpc.testing.TestCodecs;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which retry or hedging policy a call gets from its own options, its channel's and its method. */
class RetryPolicyChoiceTest {
  private static final MethodDescriptor<String, String> PLAIN =
      MethodDescriptor.of("s.S", "M", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);
  private static final MethodDescriptor<String, String> IDEMPOTENT =
      PLAIN.withIdempotency(Idempotency.IDEMPOTENT);
  private static final MethodDescriptor<String, String> READ =
      PLAIN.withIdempotency(Idempotency.NO_SIDE_EFFECTS);
  private static final RetryPolicy CALL = RetryPolicy.unavailable(4);
  private static final RetryPolicy CHANNEL = RetryPolicy.unavailable(5);

  @Test
  void aCallsOwnPolicyWinsForEveryMethod() {
    assertThat(RetryPolicyChoice.choose(PLAIN, CALL, CHANNEL)).isSameAs(CALL);
    assertThat(RetryPolicyChoice.choose(IDEMPOTENT, CALL, CHANNEL)).isSameAs(CALL);
    assertThat(RetryPolicyChoice.choose(IDEMPOTENT, RetryPolicy.NONE, CHANNEL)).isNull();
  }

  @Test
  void idempotentMethodsTakeTheChannelsPolicyElseTheDefault() {
    assertThat(RetryPolicyChoice.choose(IDEMPOTENT, null, CHANNEL)).isSameAs(CHANNEL);
    assertThat(RetryPolicyChoice.choose(READ, null, null)).isSameAs(RetryPolicy.DEFAULT_IDEMPOTENT);
    assertThat(RetryPolicyChoice.choose(IDEMPOTENT, null, RetryPolicy.NONE)).isNull();
    assertThat(RetryPolicy.DEFAULT_IDEMPOTENT).isEqualTo(RetryPolicy.unavailable(3));
  }

  @Test
  void otherMethodsIgnoreTheChannelsPolicy() {
    assertThat(RetryPolicyChoice.choose(PLAIN, null, CHANNEL)).isNull();
    assertThat(RetryPolicyChoice.choose(PLAIN, null, null)).isNull();
  }

  private static final HedgingPolicy HEDGE = HedgingPolicy.of(3, Duration.ofMillis(10));

  @Test
  void aChannelsHedgingPolicyHedgesOnlyUnaryCallsOfIdempotentMethods() {
    assertThat(RetryPolicyChoice.hedging(IDEMPOTENT, null, null, HEDGE)).isSameAs(HEDGE);
    assertThat(RetryPolicyChoice.hedging(READ, null, null, HEDGE)).isSameAs(HEDGE);
    assertThat(RetryPolicyChoice.hedging(PLAIN, null, null, HEDGE)).isNull();
    MethodDescriptor<String, String> streaming =
        MethodDescriptor.of(
                "s.S", "W", CallKind.SERVER_STREAMING, TestCodecs.STRING, TestCodecs.STRING)
            .withIdempotency(Idempotency.IDEMPOTENT);
    assertThat(RetryPolicyChoice.hedging(streaming, null, HEDGE, HEDGE)).isNull();
  }

  @Test
  void aCallsOwnHedgingPolicyHedgesAnyUnaryMethodUnlessTheCallSetARetryPolicy() {
    HedgingPolicy own = HedgingPolicy.of(2, Duration.ZERO);
    assertThat(RetryPolicyChoice.hedging(PLAIN, null, own, null)).isSameAs(own);
    assertThat(RetryPolicyChoice.hedging(IDEMPOTENT, null, own, HEDGE)).isSameAs(own);
    assertThat(RetryPolicyChoice.hedging(IDEMPOTENT, CALL, null, HEDGE)).isNull();
    assertThat(RetryPolicyChoice.hedging(IDEMPOTENT, RetryPolicy.NONE, null, HEDGE)).isNull();
  }
}
