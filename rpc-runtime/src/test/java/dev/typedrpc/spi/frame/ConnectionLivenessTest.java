package dev.typedrpc.spi.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.Status;
import dev.typedrpc.spi.KeepAliveSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The liveness a transport with its own framing runs, on a fake clock. */
@Timeout(10)
class ConnectionLivenessTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private final FakeTimers timers = new FakeTimers();
  private final List<String> actions = new ArrayList<>();

  private ConnectionLiveness liveness(KeepAliveSettings settings, boolean server) {
    return new ConnectionLiveness(
        timers,
        settings,
        server,
        new ConnectionLiveness.Actions() {
          @Override
          public void ping() {
            actions.add("ping");
          }

          @Override
          public void goAway(Status status) {
            actions.add("goAway " + status.description());
          }

          @Override
          public void close(Status status) {
            actions.add("close " + status.code() + " " + status.description());
          }
        });
  }

  @Test
  void clientPingsOnlyWithCallsByDefaultAndClosesWhenNothingAnswers() {
    ConnectionLiveness l =
        liveness(
            KeepAliveSettings.DEFAULT
                .withKeepAliveTime(Duration.ofMillis(100))
                .withKeepAliveTimeout(Duration.ofMillis(50)),
            false);
    l.start();
    timers.forward(500 * MS);
    assertThat(actions).isEmpty(); // no call open
    l.onDataReceived();
    l.onCallsActive();
    timers.forward(100 * MS);
    assertThat(actions).containsExactly("ping");
    l.onDataReceived(); // the ack
    timers.forward(99 * MS);
    assertThat(actions).containsExactly("ping");
    timers.forward(1 * MS);
    assertThat(actions).containsExactly("ping", "ping");
    timers.forward(50 * MS);
    assertThat(actions)
        .containsExactly(
            "ping", "ping", "close UNAVAILABLE keep-alive ping not acknowledged within PT0.05S");
  }

  @Test
  void clientWithKeepAliveOffDoesNothing() {
    ConnectionLiveness l = liveness(KeepAliveSettings.DEFAULT, false);
    l.start();
    l.onCallsActive();
    timers.forward(TimeUnit.HOURS.toNanos(3));
    assertThat(actions).isEmpty();
    assertThat(l.pingAcceptable()).isTrue(); // a client has no ping policy
  }

  @Test
  void serverRefusesTheThirdExcessivePingUnlessItAnswered() {
    ConnectionLiveness l = liveness(KeepAliveSettings.DEFAULT, true);
    l.start();
    l.onCallsActive();
    for (int i = 0; i < 10; i++) {
      l.onResponseSent();
      assertThat(l.pingAcceptable()).isTrue();
    }
    assertThat(l.pingAcceptable()).isTrue();
    assertThat(l.pingAcceptable()).isTrue();
    assertThat(l.pingAcceptable()).isFalse();
  }

  @Test
  void serverSendsGoAwayWhenIdleAndClosesAnOldConnectionAfterTheGrace() {
    ConnectionLiveness idle =
        liveness(KeepAliveSettings.DEFAULT.withMaxConnectionIdle(Duration.ofMillis(100)), true);
    idle.start();
    timers.forward(100 * MS);
    assertThat(actions).containsExactly("goAway max connection idle time reached");
    idle.stop();

    actions.clear();
    ConnectionLiveness old =
        liveness(
            KeepAliveSettings.DEFAULT.withMaxConnectionAge(
                Duration.ofMillis(1000), Duration.ofMillis(1000)),
            true);
    old.start();
    old.onCallsActive();
    timers.forward(1100 * MS); // the age has ±10% jitter
    assertThat(actions).containsExactly("goAway max connection age reached");
    timers.forward(1000 * MS);
    assertThat(actions)
        .containsExactly(
            "goAway max connection age reached",
            "close UNAVAILABLE max connection age grace expired");
    old.stop();
    timers.forward(TimeUnit.HOURS.toNanos(3));
    assertThat(actions).hasSize(2); // stopped: its 2-hour keep-alive never fires
  }
}
