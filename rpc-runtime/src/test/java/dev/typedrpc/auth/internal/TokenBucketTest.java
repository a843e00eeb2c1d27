package dev.typedrpc.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TokenBucketTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void burstUpToTheCapacityThenRefusesWithTheWaitForTheNextToken() {
    TokenBucket b = new TokenBucket(3, SECOND, 0);
    assertThat(b.tryAcquire(0)).isZero();
    assertThat(b.tryAcquire(0)).isZero();
    assertThat(b.tryAcquire(0)).isZero();
    // 3 tokens a second: the next one in a third of a second
    assertThat(b.tryAcquire(0)).isCloseTo(SECOND / 3, within(2L));
    assertThat(b.tryAcquire(SECOND / 6)).isCloseTo(SECOND / 6, within(2L));
  }

  @Test
  void refillsContinuouslyAndNeverBeyondTheCapacity() {
    TokenBucket b = new TokenBucket(2, SECOND, 0);
    b.tryAcquire(0);
    b.tryAcquire(0);
    assertThat(b.tryAcquire(SECOND / 2)).isZero(); // one token back after half a second
    assertThat(b.tryAcquire(SECOND / 2)).isPositive();
    long later = 100 * SECOND;
    assertThat(b.tryAcquire(later)).isZero();
    assertThat(b.tryAcquire(later)).isZero();
    assertThat(b.tryAcquire(later)).isPositive(); // capped at 2, however long it was idle
  }

  @Test
  void releaseGivesATokenBack() {
    TokenBucket b = new TokenBucket(1, SECOND, 0);
    assertThat(b.tryAcquire(0)).isZero();
    b.release();
    assertThat(b.tryAcquire(0)).isZero();
    assertThat(b.tryAcquire(0)).isPositive();
  }

  @Test
  void fullAgainOnceIdleForItsRefillTime() {
    TokenBucket b = new TokenBucket(10, SECOND, 0);
    assertThat(b.fullAt(0)).isTrue();
    b.tryAcquire(0);
    assertThat(b.fullAt(SECOND / 20)).isFalse();
    assertThat(b.fullAt(SECOND / 10)).isTrue();
  }
}
