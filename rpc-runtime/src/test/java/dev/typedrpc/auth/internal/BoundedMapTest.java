package dev.typedrpc.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Buckets for many principals stay bounded: idle (full) ones are forgotten, and a cap holds. */
@Timeout(30)
class BoundedMapTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void aMillionPrincipalsNeverHoldMoreThanTheCap() {
    long[] now = {0};
    BoundedMap<String, TokenBucket> map = new BoundedMap<>(1000, b -> b.fullAt(now[0]));
    for (int i = 0; i < 1_000_000; i++) {
      map.get("user-" + i, k -> new TokenBucket(5, SECOND, now[0])).tryAcquire(now[0]);
      assertThat(map.size()).isLessThanOrEqualTo(1000);
    }
    assertThat(map.size()).isEqualTo(1000);
    assertThat(map.evicted()).isEqualTo(999_000);
  }

  @Test
  void idleBucketsAreForgottenAsOthersAreUsed() {
    long[] now = {0};
    BoundedMap<String, TokenBucket> map = new BoundedMap<>(1_000_000, b -> b.fullAt(now[0]));
    for (int i = 0; i < 10_000; i++) {
      map.get("user-" + i, k -> new TokenBucket(5, SECOND, now[0])).tryAcquire(now[0]);
    }
    assertThat(map.size()).isEqualTo(10_000);
    now[0] = 2 * SECOND; // every bucket is full again
    for (int i = 0; i < 5_000; i++) {
      map.get("active", k -> new TokenBucket(1_000_000, SECOND, now[0])).tryAcquire(now[0]);
    }
    assertThat(map.size()).isEqualTo(1); // the idle ones went, a few per call
    assertThat(map.evicted()).isZero();
  }

  @Test
  void aBucketStillRefillingIsKept() {
    long[] now = {0};
    BoundedMap<String, TokenBucket> map = new BoundedMap<>(100, b -> b.fullAt(now[0]));
    TokenBucket a = map.get("a", k -> new TokenBucket(1, 10 * SECOND, now[0]));
    a.tryAcquire(now[0]);
    now[0] = SECOND;
    for (int i = 0; i < 50; i++) {
      map.get("b", k -> new TokenBucket(1, SECOND, now[0]));
    }
    assertThat(map.get("a", k -> new TokenBucket(1, 10 * SECOND, now[0]))).isSameAs(a);
    assertThat(a.tryAcquire(now[0])).isPositive(); // still limited: not reset by forgetting
  }
}
