package dev.typedrpc.spi;

import java.time.Duration;

/**
 * Connection liveness, as gRPC configures it: keep-alive PINGs, the server's limit on how often a
 * client may ping, and the server's limits on a connection's idle time and age. {@code
 * docs/LIMITS.md} ("Liveness") lists the defaults and what a peer sees.
 *
 * @param keepAliveTime a PING is sent after this long without reading anything from the peer;
 *     {@code null} takes the end's default (client: off, server: 2 hours), {@link #OFF} turns it
 *     off
 * @param keepAliveTimeout how long a PING may go unanswered (nothing read) before the connection is
 *     closed and its calls fail with {@code UNAVAILABLE}
 * @param keepAliveWithoutCalls client: whether to ping while no call is open (the server always
 *     pings)
 * @param permitKeepAliveTime server: the shortest interval between a client's PINGs it tolerates; a
 *     client that pings more often several times is sent GOAWAY {@code RESOURCE_EXHAUSTED}
 *     "too_many_pings" and closed
 * @param permitKeepAliveWithoutCalls server: whether a client may ping while it has no open call
 *     (if not, such PINGs are tolerated only every 2 hours)
 * @param maxConnectionIdle server: a connection without open calls for this long is sent a graceful
 *     GOAWAY; {@link #OFF} for never
 * @param maxConnectionAge server: a connection is sent a graceful GOAWAY at this age (±10% jitter);
 *     {@link #OFF} for never
 * @param maxConnectionAgeGrace server: how long calls may still run after the age GOAWAY before the
 *     connection is closed and they fail with {@code UNAVAILABLE}; {@link #OFF} for no limit
 */
public record KeepAliveSettings(
    Duration keepAliveTime,
    Duration keepAliveTimeout,
    boolean keepAliveWithoutCalls,
    Duration permitKeepAliveTime,
    boolean permitKeepAliveWithoutCalls,
    Duration maxConnectionIdle,
    Duration maxConnectionAge,
    Duration maxConnectionAgeGrace) {

  /** A duration that turns a timer off: effectively infinite. */
  public static final Duration OFF = Duration.ofNanos(Long.MAX_VALUE);

  /**
   * The server's keep-alive time when {@link #keepAliveTime} is {@code null}: 2 hours, as gRPC's.
   */
  public static final Duration SERVER_DEFAULT_KEEP_ALIVE_TIME = Duration.ofHours(2);

  /** The shortest keep-alive time an end uses; a shorter one is raised to this, as gRPC does. */
  public static final Duration MIN_KEEP_ALIVE_TIME = Duration.ofMillis(10);

  /** gRPC-Java's defaults. */
  public static final KeepAliveSettings DEFAULT =
      new KeepAliveSettings(
          null, Duration.ofSeconds(20), false, Duration.ofMinutes(5), false, OFF, OFF, OFF);

  public KeepAliveSettings {
    if (keepAliveTimeout == null
        || permitKeepAliveTime == null
        || maxConnectionIdle == null
        || maxConnectionAge == null
        || maxConnectionAgeGrace == null) {
      throw new IllegalArgumentException("only keepAliveTime may be null");
    }
    for (Duration d :
        new Duration[] {
          keepAliveTimeout,
          permitKeepAliveTime,
          maxConnectionIdle,
          maxConnectionAge,
          maxConnectionAgeGrace
        }) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("keep-alive durations must be positive, was " + d);
      }
    }
    if (keepAliveTime != null && (keepAliveTime.isNegative() || keepAliveTime.isZero())) {
      throw new IllegalArgumentException("keepAliveTime must be positive, was " + keepAliveTime);
    }
  }

  /** Pings after {@code time} without reads; {@link #OFF} turns pinging off. */
  public KeepAliveSettings withKeepAliveTime(Duration time) {
    return new KeepAliveSettings(
        time,
        keepAliveTimeout,
        keepAliveWithoutCalls,
        permitKeepAliveTime,
        permitKeepAliveWithoutCalls,
        maxConnectionIdle,
        maxConnectionAge,
        maxConnectionAgeGrace);
  }

  public KeepAliveSettings withKeepAliveTimeout(Duration timeout) {
    return new KeepAliveSettings(
        keepAliveTime,
        timeout,
        keepAliveWithoutCalls,
        permitKeepAliveTime,
        permitKeepAliveWithoutCalls,
        maxConnectionIdle,
        maxConnectionAge,
        maxConnectionAgeGrace);
  }

  public KeepAliveSettings withKeepAliveWithoutCalls(boolean enable) {
    return new KeepAliveSettings(
        keepAliveTime,
        keepAliveTimeout,
        enable,
        permitKeepAliveTime,
        permitKeepAliveWithoutCalls,
        maxConnectionIdle,
        maxConnectionAge,
        maxConnectionAgeGrace);
  }

  public KeepAliveSettings withPermitKeepAliveTime(Duration time) {
    return new KeepAliveSettings(
        keepAliveTime,
        keepAliveTimeout,
        keepAliveWithoutCalls,
        time,
        permitKeepAliveWithoutCalls,
        maxConnectionIdle,
        maxConnectionAge,
        maxConnectionAgeGrace);
  }

  public KeepAliveSettings withPermitKeepAliveWithoutCalls(boolean permit) {
    return new KeepAliveSettings(
        keepAliveTime,
        keepAliveTimeout,
        keepAliveWithoutCalls,
        permitKeepAliveTime,
        permit,
        maxConnectionIdle,
        maxConnectionAge,
        maxConnectionAgeGrace);
  }

  public KeepAliveSettings withMaxConnectionIdle(Duration idle) {
    return new KeepAliveSettings(
        keepAliveTime,
        keepAliveTimeout,
        keepAliveWithoutCalls,
        permitKeepAliveTime,
        permitKeepAliveWithoutCalls,
        idle,
        maxConnectionAge,
        maxConnectionAgeGrace);
  }

  public KeepAliveSettings withMaxConnectionAge(Duration age, Duration grace) {
    return new KeepAliveSettings(
        keepAliveTime,
        keepAliveTimeout,
        keepAliveWithoutCalls,
        permitKeepAliveTime,
        permitKeepAliveWithoutCalls,
        maxConnectionIdle,
        age,
        grace);
  }

  /**
   * The keep-alive time in nanoseconds for a client or server end; {@code Long.MAX_VALUE} if off.
   */
  public long keepAliveTimeNanos(boolean server) {
    Duration t =
        keepAliveTime != null ? keepAliveTime : server ? SERVER_DEFAULT_KEEP_ALIVE_TIME : OFF;
    return Math.max(nanos(t), MIN_KEEP_ALIVE_TIME.toNanos());
  }

  /** {@code d} in nanoseconds, saturating at {@code Long.MAX_VALUE} (off). */
  public static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
