package dev.typedrpc.spi.frame;

/**
 * The server's limit on how often a client may PING, as gRPC-Java's {@code KeepAliveEnforcer}: a
 * PING sooner than {@code minTimeNanos} after the previous one (or, while no call is open and that
 * is not permitted, sooner than 2 hours) is a strike; the connection is ended with GOAWAY
 * "too_many_pings" after more than {@link #MAX_STRIKES}. A response the server sends (headers, a
 * message, a status) resets the count, as a client may legitimately ping after each. Confined to
 * the connection's executor.
 */
final class KeepAliveEnforcer {
  /** Strikes tolerated; the next excessive PING ends the connection. */
  static final int MAX_STRIKES = 2;

  /**
   * The interval tolerated for PINGs while no call is open, if those are not permitted: gRPC's 2
   * hours.
   */
  static final long IMPLICIT_PERMIT_NANOS = 2L * 60 * 60 * 1_000_000_000L;

  private final Timers timers;
  private final long minTimeNanos;
  private final boolean permitWithoutCalls;

  private boolean hasOpenCalls;
  private long lastValidPingNanos;
  private int strikes;

  KeepAliveEnforcer(Timers timers, long minTimeNanos, boolean permitWithoutCalls) {
    this.timers = timers;
    this.minTimeNanos = minTimeNanos;
    this.permitWithoutCalls = permitWithoutCalls;
    this.lastValidPingNanos = timers.nanoTime();
  }

  /**
   * A PING arrived: returns false if the client pinged too often, more than {@link #MAX_STRIKES}
   * times.
   */
  boolean pingAcceptable() {
    long now = timers.nanoTime();
    long min = hasOpenCalls || permitWithoutCalls ? minTimeNanos : IMPLICIT_PERMIT_NANOS;
    if (now - lastValidPingNanos < min) {
      return ++strikes <= MAX_STRIKES;
    }
    lastValidPingNanos = now;
    return true;
  }

  /** The server sent something of a call: the client may ping again. */
  void resetCounters() {
    lastValidPingNanos = timers.nanoTime() - Math.min(minTimeNanos, IMPLICIT_PERMIT_NANOS) - 1;
    strikes = 0;
  }

  void onTransportActive() {
    hasOpenCalls = true;
  }

  void onTransportIdle() {
    hasOpenCalls = false;
  }
}
