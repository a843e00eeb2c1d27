package dev.typedrpc.internal;

import dev.typedrpc.ConnectionBackoff;
import dev.typedrpc.ConnectionState;
import dev.typedrpc.Status;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * A channel's connectivity state machine, as gRPC's: {@code IDLE → CONNECTING} when a connection is
 * wanted; {@code CONNECTING → READY} when the attempt succeeds (which resets the back-off); {@code
 * CONNECTING → TRANSIENT_FAILURE} when it fails or outlives its connect timeout; {@code
 * TRANSIENT_FAILURE → CONNECTING} once the back-off has passed, or at once on {@link
 * #resetBackoff()}; {@code READY → IDLE} when the connection is lost; anything {@code → SHUTDOWN},
 * for good.
 *
 * <p>It decides when to dial; its {@link Owner} dials. Not thread-safe by itself: every method must
 * be called holding {@code lock} (the owner's), and the timers it schedules take that lock before
 * they act.
 */
final class Connectivity {
  /**
   * What the state machine asks of the channel. Every method is called holding the lock; none may
   * block.
   */
  interface Owner {
    /** The state changed: called once per transition, in order. */
    void stateChanged(ConnectionState state);

    /**
     * Start a connection attempt; its outcome comes back as {@link #ready()} or {@link
     * #attemptFailed}. May throw: that fails the attempt, and the exception goes on to whoever
     * asked for the connection.
     */
    void dial();

    /**
     * The attempt under way outlived its connect timeout: drop it; the state machine counts it as
     * failed.
     */
    void abandon(Status reason);
  }

  private final Object lock;
  private final ConnectionBackoff config;
  private final Scheduler scheduler;
  private final DoubleSupplier random;
  private final Owner owner;
  private volatile ConnectionState state = ConnectionState.IDLE;
  private ExponentialBackoff backoff;

  /** Counts attempts: a timer acts only if no other attempt began since it was set. */
  private long attempt;

  private long attemptStartNanos;
  private Future<?> attemptTimer;
  private Future<?> backoffTimer;
  private long reconnectAtNanos;
  private Status lastFailure;

  Connectivity(
      Object lock,
      ConnectionBackoff config,
      Scheduler scheduler,
      DoubleSupplier random,
      Owner owner) {
    this.lock = lock;
    this.config = config;
    this.scheduler = scheduler;
    this.random = random;
    this.owner = owner;
    this.backoff = new ExponentialBackoff(config, random);
  }

  /** The current state; may be read without the lock. */
  ConnectionState state() {
    return state;
  }

  /** Why the last attempt failed; null if none did since the last success. */
  Status lastFailure() {
    return lastFailure;
  }

  /** In {@code TRANSIENT_FAILURE}: how long until the next attempt; 0 otherwise. */
  long backoffRemainingNanos() {
    return state == ConnectionState.TRANSIENT_FAILURE
        ? Math.max(0, reconnectAtNanos - scheduler.nanoTime())
        : 0;
  }

  /** A connection is wanted (a call, {@code connectNow}): an idle channel starts connecting. */
  void requestConnection() {
    if (state == ConnectionState.IDLE) {
      startAttempt();
    }
  }

  /** The attempt under way connected. */
  void ready() {
    if (state != ConnectionState.CONNECTING) {
      return;
    }
    cancel(attemptTimer);
    backoff = new ExponentialBackoff(config, random);
    lastFailure = null;
    transition(ConnectionState.READY);
  }

  /**
   * The attempt under way failed: wait out the back-off, counted from the attempt's start, then try
   * again.
   */
  void attemptFailed(Status reason) {
    if (state != ConnectionState.CONNECTING) {
      return;
    }
    cancel(attemptTimer);
    lastFailure = reason;
    long elapsed = scheduler.nanoTime() - attemptStartNanos;
    long delay = Math.max(0, backoff.nextBackoffNanos() - elapsed);
    reconnectAtNanos = scheduler.nanoTime() + delay;
    transition(ConnectionState.TRANSIENT_FAILURE);
    long failed = attempt;
    backoffTimer =
        scheduler.schedule(
            () -> {
              synchronized (lock) {
                if (state == ConnectionState.TRANSIENT_FAILURE && attempt == failed) {
                  startAttempt();
                }
              }
            },
            delay);
  }

  /** The ready connection went away: idle until a connection is wanted again. */
  void connectionLost() {
    if (state == ConnectionState.READY) {
      transition(ConnectionState.IDLE);
    }
  }

  /**
   * In back-off: skip the rest of it and connect now. The back-off sequence goes on where it was.
   */
  void resetBackoff() {
    if (state == ConnectionState.TRANSIENT_FAILURE) {
      cancel(backoffTimer);
      startAttempt();
    }
  }

  /**
   * The connection is not wanted (a load balancer uses another): the attempt under way is dropped
   * (through {@link Owner#abandon}), a back-off ends without a new attempt, a ready connection is
   * the owner's to close; then idle until a connection is wanted again. The back-off sequence goes
   * on where it was.
   */
  void idle() {
    if (state == ConnectionState.CONNECTING) {
      cancel(attemptTimer);
      attempt++; // the dropped attempt's timers act no more
      owner.abandon(
          Status.UNAVAILABLE.withDescription("connection not needed by the load balancer"));
    } else if (state == ConnectionState.TRANSIENT_FAILURE) {
      cancel(backoffTimer);
    }
    if (state != ConnectionState.SHUTDOWN) {
      transition(ConnectionState.IDLE);
    }
  }

  /** For good: timers are dropped, nothing is dialed any more. */
  void shutdown() {
    cancel(attemptTimer);
    cancel(backoffTimer);
    transition(ConnectionState.SHUTDOWN);
  }

  private void startAttempt() {
    long current = ++attempt;
    attemptStartNanos = scheduler.nanoTime();
    transition(ConnectionState.CONNECTING);
    // gRPC's rule: an attempt gets the longer of the minimum connect timeout and the back-off that
    // follows it
    long timeout =
        Math.max(
            ExponentialBackoff.saturatedNanos(config.minConnectTimeout()), backoff.peekNanos());
    attemptTimer =
        scheduler.schedule(
            () -> {
              synchronized (lock) {
                if (state == ConnectionState.CONNECTING && attempt == current) {
                  Status reason =
                      Status.UNAVAILABLE.withDescription(
                          "no connection within " + TimeUnit.NANOSECONDS.toMillis(timeout) + " ms");
                  owner.abandon(reason);
                  attemptFailed(reason);
                }
              }
            },
            timeout);
    try {
      owner.dial(); // may report its outcome before it returns: the timer is set and the state is
      // current
    } catch (RuntimeException e) {
      // e.g. a target the transport cannot take: a failed attempt, and the caller who asked for it
      // hears why
      attemptFailed(
          Status.UNAVAILABLE.withDescription("cannot connect: " + e.getMessage()).withCause(e));
      throw e;
    }
  }

  private void transition(ConnectionState next) {
    if (state == next || state == ConnectionState.SHUTDOWN) {
      return;
    }
    state = next;
    owner.stateChanged(next);
  }

  private static void cancel(Future<?> timer) {
    if (timer != null) {
      timer.cancel(false);
    }
  }
}
