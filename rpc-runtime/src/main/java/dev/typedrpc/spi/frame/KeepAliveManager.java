package dev.typedrpc.spi.frame;

/**
 * Keep-alive PINGs of one connection, the state machine of gRPC-Java's {@code KeepAliveManager}:
 * after {@code timeNanos} without reading anything from the peer, a PING goes out; if nothing at
 * all is read within {@code timeoutNanos} after it, the connection is declared dead. Any inbound
 * frame (not just the PONG) proves the peer alive, so a busy connection never pings. Without {@code
 * withoutCalls}, pinging pauses while no call is open. Confined to the connection's executor; time
 * and timers come from {@link Timers}.
 */
final class KeepAliveManager {
  /** What the manager asks of its connection. */
  interface Pinger {
    /** Sends a PING and flushes it. */
    void ping();

    /** Nothing was read within the timeout after a PING: the connection is dead. */
    void onPingTimeout();
  }

  enum State {
    /** No call open (and not pinging without calls): no PING is scheduled. */
    IDLE,
    /** A PING is scheduled. */
    PING_SCHEDULED,
    /** A PING is scheduled, but data arrived since: when it fires it is pushed back instead. */
    PING_DELAYED,
    /** A PING is out; its timeout runs. */
    PING_SENT,
    /** A PING is out and the last call ended: an answer returns to {@link #IDLE}. */
    IDLE_AND_PING_SENT,
    /** Stopped: the connection ended or the PING timed out. */
    DISCONNECTED
  }

  private final Timers timers;
  private final Pinger pinger;
  private final long timeNanos;
  private final long timeoutNanos;
  private final boolean withoutCalls;

  private State state = State.IDLE;
  private long nextKeepAliveNanos;
  private Timers.Scheduled pingTimer;
  private Timers.Scheduled timeoutTimer;

  KeepAliveManager(
      Timers timers, Pinger pinger, long timeNanos, long timeoutNanos, boolean withoutCalls) {
    this.timers = timers;
    this.pinger = pinger;
    this.timeNanos = timeNanos;
    this.timeoutNanos = timeoutNanos;
    this.withoutCalls = withoutCalls;
  }

  State state() {
    return state;
  }

  /** The connection is up. */
  void onTransportStarted() {
    nextKeepAliveNanos = timers.nanoTime() + timeNanos;
    if (withoutCalls) {
      onTransportActive();
    }
  }

  /** Something arrived from the peer. Cheap: called for every inbound frame. */
  void onDataReceived() {
    nextKeepAliveNanos = timers.nanoTime() + timeNanos;
    switch (state) {
      case PING_SCHEDULED -> state = State.PING_DELAYED;
      case PING_SENT -> {
        cancelTimeout();
        state = State.PING_SCHEDULED;
        pingTimer = timers.schedule(this::pingTimerFired, timeNanos);
      }
      case IDLE_AND_PING_SENT -> {
        cancelTimeout();
        state = State.IDLE;
      }
      default -> {}
    }
  }

  /** The first call opened. */
  void onTransportActive() {
    if (state == State.IDLE) {
      state = State.PING_SCHEDULED;
      if (pingTimer == null) {
        pingTimer =
            timers.schedule(
                this::pingTimerFired, Math.max(0, nextKeepAliveNanos - timers.nanoTime()));
      }
    } else if (state == State.IDLE_AND_PING_SENT) {
      state = State.PING_SENT;
    }
  }

  /** The last call ended. */
  void onTransportIdle() {
    if (withoutCalls) {
      return;
    }
    if (state == State.PING_SCHEDULED || state == State.PING_DELAYED) {
      state = State.IDLE;
    } else if (state == State.PING_SENT) {
      state = State.IDLE_AND_PING_SENT;
    }
  }

  /** The connection ended: no more timers. Idempotent. */
  void onTransportTermination() {
    state = State.DISCONNECTED;
    if (pingTimer != null) {
      pingTimer.cancel();
      pingTimer = null;
    }
    cancelTimeout();
  }

  private void pingTimerFired() {
    pingTimer = null;
    if (state == State.PING_SCHEDULED) {
      state = State.PING_SENT;
      timeoutTimer = timers.schedule(this::timeoutFired, timeoutNanos);
      pinger.ping();
    } else if (state == State.PING_DELAYED) {
      state = State.PING_SCHEDULED;
      pingTimer =
          timers.schedule(
              this::pingTimerFired, Math.max(0, nextKeepAliveNanos - timers.nanoTime()));
    }
  }

  private void timeoutFired() {
    timeoutTimer = null;
    if (state == State.PING_SENT || state == State.IDLE_AND_PING_SENT) {
      state = State.DISCONNECTED;
      pinger.onPingTimeout();
    }
  }

  private void cancelTimeout() {
    if (timeoutTimer != null) {
      timeoutTimer.cancel();
      timeoutTimer = null;
    }
  }
}
