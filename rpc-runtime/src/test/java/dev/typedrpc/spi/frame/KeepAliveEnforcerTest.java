package dev.typedrpc.spi.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's ping policy on a fake clock. */
@Timeout(10)
class KeepAliveEnforcerTest {
  private static final long MIN = TimeUnit.MINUTES.toNanos(5);
  private final FakeTimers timers = new FakeTimers();

  @Test
  void pingsAtThePermittedRateAreFine() {
    KeepAliveEnforcer e = new KeepAliveEnforcer(timers, MIN, false);
    e.onTransportActive();
    for (int i = 0; i < 10; i++) {
      timers.forward(MIN);
      assertThat(e.pingAcceptable()).isTrue();
    }
  }

  @Test
  void thirdExcessivePingFails() {
    KeepAliveEnforcer e = new KeepAliveEnforcer(timers, MIN, false);
    e.onTransportActive();
    timers.forward(MIN);
    assertThat(e.pingAcceptable()).isTrue();
    assertThat(e.pingAcceptable()).isTrue(); // strike 1
    assertThat(e.pingAcceptable()).isTrue(); // strike 2
    assertThat(e.pingAcceptable()).isFalse();
  }

  @Test
  void responsesResetTheStrikes() {
    KeepAliveEnforcer e = new KeepAliveEnforcer(timers, MIN, false);
    e.onTransportActive();
    for (int i = 0; i < 20; i++) {
      e.resetCounters();
      assertThat(e.pingAcceptable()).isTrue();
      assertThat(e.pingAcceptable()).isTrue();
    }
  }

  @Test
  void withoutCallsOnlyEveryTwoHoursUnlessPermitted() {
    KeepAliveEnforcer strict = new KeepAliveEnforcer(timers, MIN, false);
    KeepAliveEnforcer lenient = new KeepAliveEnforcer(timers, MIN, true);
    for (int i = 0; i < 3; i++) {
      timers.forward(MIN);
      assertThat(lenient.pingAcceptable()).isTrue();
      assertThat(strict.pingAcceptable()).isEqualTo(i < 2); // three strikes
    }
    KeepAliveEnforcer strict2 = new KeepAliveEnforcer(timers, MIN, false);
    timers.forward(TimeUnit.HOURS.toNanos(2));
    assertThat(strict2.pingAcceptable()).isTrue();
  }
}
