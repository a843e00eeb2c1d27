package dev.typedrpc.internal;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ClientCall;
import dev.typedrpc.ConnectionState;
import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import java.net.URI;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One address of a balanced channel: its own channel (connection, back-off, reconnects) and, with
 * health checks, a {@code Watch} of the server's health while it is ready. Fields are guarded by
 * the balancer's lock; {@link #usable()} may be read without it.
 */
final class Subchannel {
  /** How long a health watch that ended waits before it watches again. */
  private static final long REWATCH_NANOS = TimeUnit.SECONDS.toNanos(1);

  private enum Health {
    /** Ready, waiting for the first answer of the health service. */
    PENDING,
    SERVING,
    NOT_SERVING,
    /** No health checks, or the server has no health service: serving while ready. */
    UNCHECKED
  }

  final URI address;
  final ChannelImpl channel;
  private final boolean healthChecks;
  private final Object lock;
  private final Runnable changed;
  private volatile Health health;
  private ClientCall<String, Integer> watch;
  private ScheduledFuture<?> rewatch;

  /** The state the balancer saw last (to notice failures). */
  ConnectionState seen = ConnectionState.IDLE;

  Subchannel(
      URI address, ChannelImpl channel, boolean healthChecks, Object lock, Runnable changed) {
    this.address = address;
    this.channel = channel;
    this.healthChecks = healthChecks;
    this.lock = lock;
    this.changed = changed;
    this.health = healthChecks ? Health.PENDING : Health.UNCHECKED;
  }

  /** Ready, and serving as far as health checks know. */
  boolean usable() {
    Health h = health;
    return channel.state() == ConnectionState.READY
        && (h == Health.SERVING || h == Health.UNCHECKED);
  }

  /** Ready but waiting for its first health answer: counts as connecting. */
  boolean healthPending() {
    return channel.state() == ConnectionState.READY && health == Health.PENDING;
  }

  /** Ready but its server reports it does not serve: counts as failed. */
  boolean notServing() {
    return channel.state() == ConnectionState.READY && health == Health.NOT_SERVING;
  }

  /** Holding the lock: watches health while ready, and forgets it when not. */
  void followHealth() {
    if (!healthChecks) {
      return;
    }
    if (channel.state() != ConnectionState.READY) {
      stopWatch();
      health = Health.PENDING;
    } else if (watch == null && rewatch == null && health != Health.UNCHECKED) {
      startWatch();
    }
  }

  /** Holding the lock: for good. */
  void stopWatch() {
    if (rewatch != null) {
      rewatch.cancel(false);
      rewatch = null;
    }
    if (watch != null) {
      ClientCall<String, Integer> w = watch;
      watch = null;
      w.cancel("health watch no longer needed", null);
    }
  }

  private void startWatch() {
    ClientCall<String, Integer> call = channel.newCall(HealthCodecs.WATCH, CallOptions.DEFAULT);
    watch = call;
    call.start(new WatchListener(call), Metadata.EMPTY);
    call.request(1);
    call.sendLastMessage(""); // the whole server
  }

  private final class WatchListener extends ClientCall.Listener<Integer> {
    private final ClientCall<String, Integer> call;

    WatchListener(ClientCall<String, Integer> call) {
      this.call = call;
    }

    @Override
    public void onMessage(Integer status) {
      synchronized (lock) {
        if (watch != call) {
          return;
        }
        health = status == HealthCodecs.SERVING ? Health.SERVING : Health.NOT_SERVING;
      }
      call.request(1);
      changed.run();
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      synchronized (lock) {
        if (watch != call) {
          return;
        }
        watch = null;
        if (status.code() == Status.Code.UNIMPLEMENTED) {
          health = Health.UNCHECKED; // no health service: as gRPC, the server counts as serving
        } else {
          // e.g. a draining server ends its watches after NOT_SERVING: keep the last status and
          // watch again a little later (at once could spin against a server that refuses it)
          rewatch =
              Executors2.timers()
                  .schedule(
                      () -> {
                        synchronized (lock) {
                          rewatch = null;
                        }
                        changed.run();
                      },
                      REWATCH_NANOS,
                      TimeUnit.NANOSECONDS);
        }
      }
      changed.run();
    }
  }
}
