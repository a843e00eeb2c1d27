package dev.typedrpc.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConcurrencyLimiterTest {
  @Test
  void capsCallsInFlightPerKeyAndForgetsKeysWithNone() {
    ConcurrencyLimiter limiter = new ConcurrencyLimiter(2);
    assertThat(limiter.tryAcquire("alice")).isTrue();
    assertThat(limiter.tryAcquire("alice")).isTrue();
    assertThat(limiter.tryAcquire("alice")).isFalse();
    assertThat(limiter.tryAcquire("bob")).isTrue(); // others are not affected
    limiter.release("alice");
    assertThat(limiter.tryAcquire("alice")).isTrue();
    limiter.release("alice");
    limiter.release("alice");
    limiter.release("bob");
    assertThat(limiter.size()).isZero();
    limiter.release("carol"); // never acquired: ignored
    assertThat(limiter.size()).isZero();
  }
}
