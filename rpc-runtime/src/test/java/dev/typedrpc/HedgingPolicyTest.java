package dev.typedrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HedgingPolicyTest {
  @Test
  void validatesAndCapsAsGrpcDoes() {
    HedgingPolicy p = new HedgingPolicy(9, Duration.ZERO, Set.of());
    assertThat(p.maxAttempts()).isEqualTo(RetryPolicy.MAX_ATTEMPTS_CAP);
    assertThat(p.isNonFatal(Status.Code.UNAVAILABLE)).isFalse();
    assertThat(HedgingPolicy.of(2, Duration.ofMillis(5)).isNonFatal(Status.Code.UNAVAILABLE))
        .isTrue();
    assertThatThrownBy(() -> new HedgingPolicy(1, Duration.ZERO, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> new HedgingPolicy(2, Duration.ofMillis(-1), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hedgingDelay");
    assertThatThrownBy(() -> new HedgingPolicy(2, Duration.ZERO, Set.of(Status.Code.OK)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HedgingPolicy(2, null, Set.of()))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void aCallOrChannelHasEitherARetryOrAHedgingPolicy() {
    HedgingPolicy hedging = HedgingPolicy.of(3, Duration.ofMillis(10));
    RetryPolicy retry = RetryPolicy.unavailable(3);

    CallOptions call = CallOptions.DEFAULT.withRetryPolicy(retry).withHedgingPolicy(hedging);
    assertThat(call.retryPolicy()).isNull();
    assertThat(call.hedgingPolicy()).isEqualTo(hedging);
    call = call.withRetryPolicy(retry);
    assertThat(call.hedgingPolicy()).isNull();
    assertThat(call.retryPolicy()).isEqualTo(retry);

    ChannelOptions channel =
        ChannelOptions.DEFAULT.withRetryPolicy(retry).withHedgingPolicy(hedging);
    assertThat(channel.retryPolicy()).isNull();
    assertThat(channel.hedgingPolicy()).isEqualTo(hedging);
    assertThat(channel.withRetryPolicy(retry).hedgingPolicy()).isNull();
    assertThat(channel.withMaxWaitingCalls(3).hedgingPolicy()).isEqualTo(hedging);
    assertThatThrownBy(
            () ->
                new ChannelOptions(
                    channel.transport(),
                    null,
                    channel.transportOrder(),
                    channel.attemptTimeout(),
                    channel.connectionBackoff(),
                    1,
                    java.util.List.of(),
                    channel.transportEvents(),
                    retry,
                    null,
                    hedging))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("either");
  }
}
