package dev.typedrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.ConnectionBackoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The back-off sequence: gRPC's numbers, its jitter bounds, its cap, and no overflow. */
@Timeout(10)
class ExponentialBackoffTest {
  private static final double NO_JITTER = 0.5; // random 0.5 maps to a spread of 0

  private static List<Long> millis(ExponentialBackoff b, int n) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(TimeUnit.NANOSECONDS.toMillis(b.nextBackoffNanos()));
    }
    return out;
  }

  @Test
  void grpcDefaultsGrowByOnePointSixUpToTwoMinutes() {
    ExponentialBackoff b = new ExponentialBackoff(ConnectionBackoff.DEFAULT, () -> NO_JITTER);
    List<Long> seq = millis(b, 14);
    assertThat(seq.subList(0, 5)).containsExactly(1000L, 1600L, 2560L, 4096L, 6553L);
    assertThat(seq.get(11)).isEqualTo(120_000L); // 1.6^11 s = 176 s: capped
    assertThat(seq.get(13)).isEqualTo(120_000L);
  }

  @Test
  void jitterSpreadsEachDelayByAtMostItsFraction() {
    ExponentialBackoff low = new ExponentialBackoff(ConnectionBackoff.DEFAULT, () -> 0.0);
    ExponentialBackoff high = new ExponentialBackoff(ConnectionBackoff.DEFAULT, () -> 0.999_999);
    assertThat(millis(low, 2)).containsExactly(800L, 1280L);
    assertThat(millis(high, 2)).containsExactly(1199L, 1919L);
  }

  @Test
  void theCapAppliesToTheFirstDelayToo() {
    ExponentialBackoff b =
        new ExponentialBackoff(
            ConnectionBackoff.DEFAULT.withMaxBackoff(Duration.ofMillis(300)), () -> NO_JITTER);
    assertThat(millis(b, 3)).containsExactly(300L, 300L, 300L);
  }

  @Test
  void hugeSettingsSaturateInsteadOfOverflowing() {
    ConnectionBackoff huge =
        new ConnectionBackoff(
            Duration.ofDays(365L * 1000),
            1e300,
            0.2,
            Duration.ofSeconds(Long.MAX_VALUE),
            Duration.ofSeconds(Long.MAX_VALUE));
    ExponentialBackoff b = new ExponentialBackoff(huge, () -> 0.999_999);
    for (int i = 0; i < 5; i++) {
      assertThat(b.nextBackoffNanos()).isPositive();
    }
    assertThat(b.peekNanos()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void badSettingsAreRejectedSayingWhich() {
    assertThatThrownBy(() -> ConnectionBackoff.DEFAULT.withMultiplier(0.5))
        .hasMessageContaining("multiplier");
    assertThatThrownBy(() -> ConnectionBackoff.DEFAULT.withJitter(1.0))
        .hasMessageContaining("jitter");
    assertThatThrownBy(() -> ConnectionBackoff.DEFAULT.withInitialBackoff(Duration.ZERO))
        .hasMessageContaining("initialBackoff");
    assertThatThrownBy(() -> ConnectionBackoff.DEFAULT.withMaxBackoff(Duration.ZERO))
        .hasMessageContaining("maxBackoff");
    assertThatThrownBy(
            () -> ConnectionBackoff.DEFAULT.withMinConnectTimeout(Duration.ofSeconds(-1)))
        .hasMessageContaining("minConnectTimeout");
  }
}
