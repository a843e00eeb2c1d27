package dev.typedrpc.internal;

import static dev.typedrpc.ConnectionState.CONNECTING;
import static dev.typedrpc.ConnectionState.IDLE;
import static dev.typedrpc.ConnectionState.READY;
import static dev.typedrpc.ConnectionState.SHUTDOWN;
import static dev.typedrpc.ConnectionState.TRANSIENT_FAILURE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.ConnectionBackoff;
import dev.typedrpc.ConnectionState;
import dev.typedrpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connectivity state machine on a fake clock: no sleeps, every delay exact (jitter off unless
 * said).
 */
@Timeout(10)
class ConnectivityTest {
  private final FakeScheduler clock = new FakeScheduler();
  private final List<ConnectionState> states = new ArrayList<>();
  private final List<Long> dialsAtMillis = new ArrayList<>();
  private final List<Status> abandoned = new ArrayList<>();
  private RuntimeException dialFailure;
  private final long startMillis = millis();

  private Connectivity machine(ConnectionBackoff backoff) {
    return new Connectivity(
        new Object(),
        backoff,
        clock,
        () -> 0.5,
        new Connectivity.Owner() {
          @Override
          public void stateChanged(ConnectionState state) {
            states.add(state);
          }

          @Override
          public void dial() {
            dialsAtMillis.add(millis() - startMillis);
            if (dialFailure != null) {
              throw dialFailure;
            }
          }

          @Override
          public void abandon(Status reason) {
            abandoned.add(reason);
          }
        });
  }

  private long millis() {
    return TimeUnit.NANOSECONDS.toMillis(clock.nanoTime());
  }

  private static final Status REFUSED = Status.UNAVAILABLE.withDescription("connection refused");

  @Test
  void aFailedAttemptBacksOffThenReconnectsByItselfWithGrowingDelays() {
    Connectivity c = machine(ConnectionBackoff.DEFAULT);
    c.requestConnection();
    assertThat(c.state()).isEqualTo(CONNECTING);
    for (int i = 0; i < 4; i++) {
      c.attemptFailed(REFUSED);
      assertThat(c.state()).isEqualTo(TRANSIENT_FAILURE);
      assertThat(c.lastFailure()).isEqualTo(REFUSED);
      c.requestConnection(); // calls in back-off do not dial
      clock.advanceMillis(10);
      c.requestConnection();
      clock.advanceNanos(c.backoffRemainingNanos());
      assertThat(c.state()).isEqualTo(CONNECTING);
    }
    assertThat(dialsAtMillis).containsExactly(0L, 1000L, 2600L, 5160L, 9256L);
    assertThat(states)
        .containsExactly(
            CONNECTING,
            TRANSIENT_FAILURE,
            CONNECTING,
            TRANSIENT_FAILURE,
            CONNECTING,
            TRANSIENT_FAILURE,
            CONNECTING,
            TRANSIENT_FAILURE,
            CONNECTING);
  }

  @Test
  void theBackOffCountsFromTheAttemptsStart() {
    Connectivity c = machine(ConnectionBackoff.DEFAULT);
    c.requestConnection();
    clock.advanceMillis(700); // the attempt took 700 ms to fail
    c.attemptFailed(REFUSED);
    assertThat(c.backoffRemainingNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    clock.advanceMillis(300);
    clock.advanceMillis(
        2000); // an attempt that fails after the back-off is over is retried at once
    c.attemptFailed(REFUSED);
    assertThat(c.backoffRemainingNanos()).isZero();
    clock.advanceNanos(0);
    assertThat(dialsAtMillis).containsExactly(0L, 1000L, 3000L);
  }

  @Test
  void anAttemptGetsTheLongerOfTheMinimumConnectTimeoutAndTheBackOff() {
    ConnectionBackoff b =
        ConnectionBackoff.DEFAULT
            .withInitialBackoff(Duration.ofSeconds(10))
            .withMultiplier(3)
            .withMinConnectTimeout(Duration.ofSeconds(20));
    Connectivity c = machine(b);
    c.requestConnection();
    clock.advanceMillis(19_999);
    assertThat(c.state()).isEqualTo(CONNECTING);
    clock.advanceMillis(1); // 20 s: the minimum connect timeout
    assertThat(abandoned).hasSize(1);
    assertThat(abandoned.get(0).description()).isEqualTo("no connection within 20000 ms");
    assertThat(c.lastFailure()).isEqualTo(abandoned.get(0));
    // 20 s spent, back-off 10 s: the next attempt started at once; the back-off after it is 30 s,
    // its timeout too
    assertThat(states).containsExactly(CONNECTING, TRANSIENT_FAILURE, CONNECTING);
    assertThat(dialsAtMillis).containsExactly(0L, 20_000L);
    clock.advanceMillis(29_999);
    assertThat(abandoned).hasSize(1);
    clock.advanceMillis(1);
    assertThat(abandoned).hasSize(2);
    assertThat(abandoned.get(1).description()).isEqualTo("no connection within 30000 ms");
  }

  @Test
  void successResetsTheBackOffAndALostConnectionGoesIdleUntilWanted() {
    Connectivity c = machine(ConnectionBackoff.DEFAULT);
    c.requestConnection();
    c.attemptFailed(REFUSED);
    clock.advanceMillis(1000);
    c.attemptFailed(REFUSED);
    clock.advanceMillis(1600);
    c.ready();
    assertThat(c.state()).isEqualTo(READY);
    assertThat(c.lastFailure()).isNull();
    clock.advanceMillis(60_000); // the attempt timer of the successful attempt was cancelled
    assertThat(clock.pending()).isZero();

    c.connectionLost();
    assertThat(c.state()).isEqualTo(IDLE);
    clock.advanceMillis(300_000);
    assertThat(dialsAtMillis).hasSize(3); // idle: nothing dials by itself
    c.requestConnection();
    c.attemptFailed(REFUSED);
    assertThat(c.backoffRemainingNanos())
        .isEqualTo(TimeUnit.SECONDS.toNanos(1)); // the sequence starts over
  }

  @Test
  void resetBackoffReconnectsAtOnceOnlyInTransientFailure() {
    Connectivity c = machine(ConnectionBackoff.DEFAULT);
    c.resetBackoff();
    assertThat(c.state()).isEqualTo(IDLE);
    c.requestConnection();
    c.resetBackoff();
    assertThat(dialsAtMillis).hasSize(1);
    c.attemptFailed(REFUSED); // back-off 1000 ms
    clock.advanceMillis(100);
    c.resetBackoff();
    assertThat(c.state()).isEqualTo(CONNECTING);
    c.attemptFailed(REFUSED); // the sequence goes on: 1600 ms
    assertThat(c.backoffRemainingNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(1600));
    clock.advanceMillis(1599); // the back-off it cut short (due at 1000 ms) dials nothing
    assertThat(dialsAtMillis).containsExactly(0L, 100L);
    clock.advanceMillis(1);
    assertThat(dialsAtMillis).containsExactly(0L, 100L, 1700L);
  }

  @Test
  void shutdownIsFinalAndDropsTheTimers() {
    Connectivity c = machine(ConnectionBackoff.DEFAULT);
    c.requestConnection();
    c.attemptFailed(REFUSED);
    c.shutdown();
    assertThat(clock.pending()).isZero();
    clock.advanceMillis(600_000);
    c.requestConnection();
    c.resetBackoff();
    c.ready();
    assertThat(c.state()).isEqualTo(SHUTDOWN);
    assertThat(dialsAtMillis).hasSize(1);
    assertThat(states).containsExactly(CONNECTING, TRANSIENT_FAILURE, SHUTDOWN);
  }

  @Test
  void aDialThatThrowsIsAFailedAttempt() {
    Connectivity c = machine(ConnectionBackoff.DEFAULT);
    dialFailure = new IllegalArgumentException("h2c needs a port");
    assertThatThrownBy(c::requestConnection).isSameAs(dialFailure); // the caller hears it
    assertThat(c.state()).isEqualTo(TRANSIENT_FAILURE);
    assertThat(c.lastFailure().code()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(c.lastFailure().description()).contains("h2c needs a port");
    dialFailure = null;
    clock.advanceMillis(1000);
    assertThat(c.state()).isEqualTo(CONNECTING);
  }

  @Test
  void anAttemptThatFailsWhileDialingLeavesNoStaleTimer() {
    Connectivity[] self = new Connectivity[1];
    Connectivity c =
        new Connectivity(
            new Object(),
            ConnectionBackoff.DEFAULT,
            clock,
            () -> 0.5,
            new Connectivity.Owner() {
              @Override
              public void stateChanged(ConnectionState state) {
                states.add(state);
              }

              @Override
              public void dial() {
                dialsAtMillis.add(millis() - startMillis);
                self[0].attemptFailed(REFUSED); // a transport that refuses inside start()
              }

              @Override
              public void abandon(Status reason) {
                abandoned.add(reason);
              }
            });
    self[0] = c;
    c.requestConnection();
    assertThat(c.state()).isEqualTo(TRANSIENT_FAILURE);
    clock.advanceMillis(1000 + 1600 + 2560);
    assertThat(dialsAtMillis).containsExactly(0L, 1000L, 2600L, 5160L);
    assertThat(abandoned).isEmpty();
  }
}
