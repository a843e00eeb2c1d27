package dev.typedrpc.spi.frame;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.spi.frame.KeepAliveManager.State;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The keep-alive state machine on a fake clock: when PINGs go out and when a silent peer is
 * declared dead.
 */
@Timeout(10)
class KeepAliveManagerTest {
  private static final long TIME = TimeUnit.SECONDS.toNanos(10);
  private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(2);
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  private final FakeTimers timers = new FakeTimers();
  private int pings;
  private int timeouts;
  private final KeepAliveManager.Pinger pinger =
      new KeepAliveManager.Pinger() {
        @Override
        public void ping() {
          pings++;
        }

        @Override
        public void onPingTimeout() {
          timeouts++;
        }
      };

  private KeepAliveManager manager(boolean withoutCalls) {
    KeepAliveManager m = new KeepAliveManager(timers, pinger, TIME, TIMEOUT, withoutCalls);
    m.onTransportStarted();
    return m;
  }

  @Test
  void pingsAfterKeepAliveTimeWithoutReads() {
    KeepAliveManager m = manager(true);
    timers.forward(TIME - MS);
    assertThat(pings).isZero();
    timers.forward(MS);
    assertThat(pings).isEqualTo(1);
    assertThat(m.state()).isEqualTo(State.PING_SENT);
  }

  @Test
  void answerResetsAndTheNextPingFollowsAfterAnotherInterval() {
    KeepAliveManager m = manager(true);
    timers.forward(TIME);
    timers.forward(TIMEOUT / 2);
    m.onDataReceived(); // the PONG
    assertThat(m.state()).isEqualTo(State.PING_SCHEDULED);
    timers.forward(TIMEOUT); // past the old timeout: nothing happens
    assertThat(timeouts).isZero();
    timers.forward(TIME - TIMEOUT);
    assertThat(pings).isEqualTo(2);
    assertThat(timeouts).isZero();
  }

  @Test
  void silentPeerTimesOutAfterIntervalPlusTimeout() {
    KeepAliveManager m = manager(true);
    timers.forward(TIME + TIMEOUT - MS);
    assertThat(timeouts).isZero();
    timers.forward(MS);
    assertThat(timeouts).isEqualTo(1);
    assertThat(m.state()).isEqualTo(State.DISCONNECTED);
    timers.forward(10 * TIME);
    assertThat(pings).isEqualTo(1);
    assertThat(timeouts).isEqualTo(1);
    assertThat(timers.pending()).isZero();
  }

  @Test
  void readsPushThePingBack() {
    KeepAliveManager m = manager(true);
    for (int i = 0; i < 10; i++) {
      timers.forward(TIME / 2);
      m.onDataReceived();
    }
    assertThat(pings).isZero();
    timers.forward(TIME);
    assertThat(pings).isEqualTo(1);
  }

  @Test
  void withoutCallsOffNoPingWhileIdle() {
    KeepAliveManager m = manager(false);
    timers.forward(5 * TIME);
    assertThat(pings).isZero();
    assertThat(m.state()).isEqualTo(State.IDLE);
    m.onTransportActive();
    timers.forward(TIME); // the connection was silent for long: the ping is due at once
    assertThat(pings).isEqualTo(1);
  }

  @Test
  void callEndingWhileAPingIsOutStillTimesOutWithoutAnAnswer() {
    KeepAliveManager m = manager(false);
    m.onTransportActive();
    timers.forward(TIME);
    assertThat(pings).isEqualTo(1);
    m.onTransportIdle();
    assertThat(m.state()).isEqualTo(State.IDLE_AND_PING_SENT);
    timers.forward(TIMEOUT);
    assertThat(timeouts).isEqualTo(1);
  }

  @Test
  void answerAfterTheLastCallEndedGoesIdle() {
    KeepAliveManager m = manager(false);
    m.onTransportActive();
    timers.forward(TIME);
    m.onTransportIdle();
    m.onDataReceived();
    assertThat(m.state()).isEqualTo(State.IDLE);
    timers.forward(10 * TIME);
    assertThat(pings).isEqualTo(1);
    assertThat(timeouts).isZero();
  }

  @Test
  void idleThenActiveAgainPingsOnTheOriginalSchedule() {
    KeepAliveManager m = manager(false);
    m.onTransportActive();
    timers.forward(TIME / 2);
    m.onTransportIdle();
    m.onTransportActive();
    timers.forward(TIME / 2);
    assertThat(pings).isEqualTo(1);
  }

  @Test
  void terminationCancelsEverything() {
    KeepAliveManager m = manager(true);
    timers.forward(TIME);
    m.onTransportTermination();
    assertThat(timers.pending()).isZero();
    timers.forward(10 * TIME);
    assertThat(timeouts).isZero();
    assertThat(m.state()).isEqualTo(State.DISCONNECTED);
  }
}
