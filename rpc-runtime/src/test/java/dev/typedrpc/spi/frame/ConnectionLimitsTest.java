package dev.typedrpc.spi.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.spi.KeepAliveSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's idle and age limits on a fake clock. */
@Timeout(10)
class ConnectionLimitsTest {
  private static final long S = TimeUnit.SECONDS.toNanos(1);
  private final FakeTimers timers = new FakeTimers();
  private final List<String> actions = new ArrayList<>();

  private ConnectionLimits limits(KeepAliveSettings s) {
    ConnectionLimits l =
        new ConnectionLimits(
            timers,
            s,
            new ConnectionLimits.Actions() {
              @Override
              public void goAway(String reason) {
                actions.add("goAway: " + reason);
              }

              @Override
              public void forceClose(String reason) {
                actions.add("close: " + reason);
              }
            });
    l.start();
    return l;
  }

  @Test
  void idleConnectionGetsGoAway() {
    limits(KeepAliveSettings.DEFAULT.withMaxConnectionIdle(Duration.ofSeconds(10)));
    timers.forward(10 * S - 1);
    assertThat(actions).isEmpty();
    timers.forward(1);
    assertThat(actions).containsExactly("goAway: max connection idle time reached");
  }

  @Test
  void busyConnectionIsNotIdleAndTheClockRestartsWhenTheLastCallEnds() {
    ConnectionLimits l =
        limits(KeepAliveSettings.DEFAULT.withMaxConnectionIdle(Duration.ofSeconds(10)));
    timers.forward(5 * S);
    l.onTransportActive();
    timers.forward(60 * S);
    assertThat(actions).isEmpty();
    l.onTransportIdle();
    timers.forward(10 * S - 1);
    assertThat(actions).isEmpty();
    timers.forward(1);
    assertThat(actions).containsExactly("goAway: max connection idle time reached");
  }

  @Test
  void ageWithJitterThenGrace() {
    ConnectionLimits l =
        limits(
            KeepAliveSettings.DEFAULT.withMaxConnectionAge(
                Duration.ofSeconds(100), Duration.ofSeconds(5)));
    l.onTransportActive();
    timers.forward(90 * S - 1);
    assertThat(actions).isEmpty();
    long waited = 90 * S - 1;
    while (actions.isEmpty() && waited <= 110 * S) { // due within 100 s ± 10%
      timers.forward(S / 100);
      waited += S / 100;
    }
    assertThat(actions).containsExactly("goAway: max connection age reached");
    timers.forward(5 * S - S / 50);
    assertThat(actions).hasSize(1);
    timers.forward(S / 50);
    assertThat(actions)
        .containsExactly(
            "goAway: max connection age reached", "close: max connection age grace expired");
  }

  @Test
  void stopCancelsEverything() {
    ConnectionLimits l =
        limits(
            KeepAliveSettings.DEFAULT
                .withMaxConnectionIdle(Duration.ofSeconds(1))
                .withMaxConnectionAge(Duration.ofSeconds(1), Duration.ofSeconds(1)));
    l.stop();
    assertThat(timers.pending()).isZero();
    timers.forward(100 * S);
    assertThat(actions).isEmpty();
  }

  @Test
  void offMeansNoTimers() {
    limits(KeepAliveSettings.DEFAULT);
    assertThat(timers.pending()).isZero();
  }
}
