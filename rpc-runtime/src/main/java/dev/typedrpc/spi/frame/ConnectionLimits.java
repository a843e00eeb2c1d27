package dev.typedrpc.spi.frame;

import dev.typedrpc.spi.KeepAliveSettings;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The server's limits on one connection's idle time and age, as gRPC-Java's {@code
 * MaxConnectionIdleManager} and max-connection-age: a connection without open calls for {@code
 * maxConnectionIdle}, or older than {@code maxConnectionAge} (±10% jitter, so that connections made
 * together do not all go at once), is sent a graceful GOAWAY; after an age GOAWAY, calls still open
 * after {@code maxConnectionAgeGrace} are ended and the connection closed. Confined to the
 * connection's executor.
 */
final class ConnectionLimits {
  /** What the limits ask of their connection. */
  interface Actions {
    /** Sends a graceful GOAWAY: no new calls; the connection closes when the open ones end. */
    void goAway(String reason);

    /** Ends the calls still open and closes the connection. */
    void forceClose(String reason);
  }

  private final Timers timers;
  private final Actions actions;
  private final long idleNanos;
  private final long ageNanos;
  private final long graceNanos;

  private boolean active;
  private long idleSinceNanos;
  private Timers.Scheduled idleTimer;
  private Timers.Scheduled ageTimer;
  private boolean stopped;

  ConnectionLimits(Timers timers, KeepAliveSettings settings, Actions actions) {
    this.timers = timers;
    this.actions = actions;
    this.idleNanos = KeepAliveSettings.nanos(settings.maxConnectionIdle());
    this.ageNanos = KeepAliveSettings.nanos(settings.maxConnectionAge());
    this.graceNanos = KeepAliveSettings.nanos(settings.maxConnectionAgeGrace());
  }

  /** The connection is up, with no calls yet. */
  void start() {
    idleSinceNanos = timers.nanoTime();
    if (idleNanos != Long.MAX_VALUE && !active) {
      idleTimer = timers.schedule(this::idleTimerFired, idleNanos);
    }
    if (ageNanos != Long.MAX_VALUE) {
      ageTimer = timers.schedule(this::ageReached, jitter(ageNanos));
    }
  }

  void onTransportActive() {
    active = true; // a pending idle timer finds the connection busy and stops
  }

  void onTransportIdle() {
    active = false;
    idleSinceNanos = timers.nanoTime();
    if (idleNanos != Long.MAX_VALUE && idleTimer == null && !stopped) {
      idleTimer = timers.schedule(this::idleTimerFired, idleNanos);
    }
  }

  /** The connection ended: no more timers. Idempotent. */
  void stop() {
    stopped = true;
    if (idleTimer != null) {
      idleTimer.cancel();
      idleTimer = null;
    }
    if (ageTimer != null) {
      ageTimer.cancel();
      ageTimer = null;
    }
  }

  private void idleTimerFired() {
    idleTimer = null;
    if (active || stopped) {
      return;
    }
    long idleFor = timers.nanoTime() - idleSinceNanos;
    if (idleFor >= idleNanos) {
      actions.goAway("max connection idle time reached");
    } else {
      idleTimer = timers.schedule(this::idleTimerFired, idleNanos - idleFor);
    }
  }

  private void ageReached() {
    ageTimer = null;
    if (stopped) {
      return;
    }
    actions.goAway("max connection age reached");
    if (graceNanos != Long.MAX_VALUE) {
      ageTimer =
          timers.schedule(
              () -> {
                ageTimer = null;
                if (!stopped) {
                  actions.forceClose("max connection age grace expired");
                }
              },
              graceNanos);
    }
  }

  private static long jitter(long nanos) {
    if (nanos > Long.MAX_VALUE / 2) {
      return nanos;
    }
    long tenth = nanos / 10;
    return nanos - tenth + (tenth == 0 ? 0 : ThreadLocalRandom.current().nextLong(2 * tenth + 1));
  }
}
