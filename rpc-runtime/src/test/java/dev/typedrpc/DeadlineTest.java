package dev.typedrpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deadline arithmetic saturates: huge or extreme timeouts never overflow into the wrong sign or
 * order.
 */
@Timeout(10)
class DeadlineTest {
  private static final Duration NINETY_NINE_YEARS = Duration.ofDays(365L * 99);

  @Test
  void theLongestDurationsSaturateInsteadOfOverflowing() {
    Deadline far = Deadline.after(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));
    assertThat(far.isExpired()).isFalse();
    assertThat(far.remaining()).isGreaterThan(NINETY_NINE_YEARS);
    assertThat(far.remainingNanos()).isPositive();

    Deadline past = Deadline.after(Duration.ofSeconds(Long.MIN_VALUE));
    assertThat(past.isExpired()).isTrue();
    assertThat(past.remaining()).isLessThan(NINETY_NINE_YEARS.negated());

    assertThat(Deadline.afterNanos(Long.MAX_VALUE).isExpired()).isFalse();
    assertThat(Deadline.afterNanos(Long.MIN_VALUE).isExpired()).isTrue();
  }

  @Test
  void otherUnitsSaturateToo() {
    // Long.MAX_VALUE microseconds times 1000 would wrap to a negative number of nanoseconds
    assertThat(Deadline.after(Long.MAX_VALUE, TimeUnit.MICROSECONDS).isExpired()).isFalse();
    assertThat(Deadline.after(Long.MAX_VALUE / 999, TimeUnit.MICROSECONDS).isExpired()).isFalse();
    assertThat(Deadline.after(Long.MAX_VALUE, TimeUnit.DAYS).remaining())
        .isGreaterThan(NINETY_NINE_YEARS);
    assertThat(Deadline.after(Long.MIN_VALUE, TimeUnit.DAYS).isExpired()).isTrue();
    assertThat(Deadline.after(1500, TimeUnit.MILLISECONDS).remaining())
        .isGreaterThan(Duration.ofSeconds(1))
        .isLessThanOrEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void extremeDeadlinesStillCompareInTheRightOrder() {
    Deadline farthest = Deadline.after(Duration.ofSeconds(Long.MAX_VALUE));
    Deadline earliest = Deadline.after(Duration.ofSeconds(Long.MIN_VALUE));
    Deadline soon = Deadline.after(Duration.ofSeconds(1));
    assertThat(farthest).isGreaterThan(soon);
    assertThat(soon).isGreaterThan(earliest);
    assertThat(farthest).isGreaterThan(earliest);
    assertThat(farthest.earliest(earliest)).isSameAs(earliest);
    assertThat(earliest.earliest(farthest)).isSameAs(earliest);
    assertThat(farthest.earliest(soon)).isSameAs(soon);
    assertThat(farthest.earliest(null)).isSameAs(farthest);
  }

  @Test
  void callOptionsWithHugeTimeoutsSaturate() {
    CallOptions huge = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(Long.MAX_VALUE));
    assertThat(huge.effectiveDeadline().isExpired()).isFalse();
    assertThat(huge.effectiveDeadline().remaining()).isGreaterThan(NINETY_NINE_YEARS);

    Deadline soon = Deadline.after(Duration.ofSeconds(5));
    assertThat(huge.withDeadline(soon).effectiveDeadline()).isSameAs(soon);
    CallOptions hugeNegative = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(Long.MIN_VALUE));
    assertThat(hugeNegative.effectiveDeadline().isExpired()).isTrue();
    assertThat(
            CallOptions.DEFAULT
                .withDeadline(Deadline.after(Duration.ofSeconds(Long.MAX_VALUE)))
                .withTimeout(Duration.ofSeconds(Long.MAX_VALUE))
                .effectiveDeadline()
                .isExpired())
        .isFalse();
  }

  @Test
  void waitForReadyIsKeptByEveryOtherOption() {
    CallOptions o =
        CallOptions.DEFAULT
            .withWaitForReady()
            .withTimeout(Duration.ofSeconds(1))
            .withDeadline(Deadline.after(Duration.ofSeconds(2)))
            .withMetadata(Metadata.of("k", "v"));
    assertThat(o.isWaitForReady()).isTrue();
    assertThat(o.withoutWaitForReady().isWaitForReady()).isFalse();
    assertThat(CallOptions.DEFAULT.isWaitForReady()).isFalse();
    assertThat(o.toString()).contains("waitForReady");
  }
}
