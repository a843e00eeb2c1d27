package dev.typedrpc.spi.frame;

import dev.typedrpc.Status;
import dev.typedrpc.spi.KeepAliveSettings;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Liveness of one connection of a transport with its own framing (gRPC over HTTP/2): keep-alive
 * PINGs and, on a server, the client's ping policy and the limits on idle time and age. These are
 * the state machines a {@link FrameConnection} runs, with the same {@link KeepAliveSettings}
 * meaning, so every transport behaves alike. The transport reports what happens on its connection;
 * liveness asks it, through {@link Actions}, to ping, to go away or to close.
 *
 * <p>Confined to the connection's executor (a Netty event loop), on which its timers run: every
 * method must be called there.
 */
public final class ConnectionLiveness {
  /**
   * The text a server's GOAWAY carries when a client pings too often (gRPC's debug data); a client
   * that reads it doubles its keep-alive time for its next connections.
   */
  public static final String TOO_MANY_PINGS = "too_many_pings";

  /** What liveness asks of its connection; called on the connection's executor. */
  public interface Actions {
    /** Sends a PING and flushes it. */
    void ping();

    /**
     * Server: sends a graceful GOAWAY; no new calls, and the connection closes when the open ones
     * end.
     */
    void goAway(Status status);

    /** Closes the connection now; its open calls fail with {@code status}. */
    void close(Status status);
  }

  private final KeepAliveManager keepAlive; // null if off
  private final KeepAliveEnforcer pingPolicy; // null on a client
  private final ConnectionLimits limits; // null on a client

  ConnectionLiveness(Timers timers, KeepAliveSettings settings, boolean server, Actions actions) {
    long time = settings.keepAliveTimeNanos(server);
    long timeout = KeepAliveSettings.nanos(settings.keepAliveTimeout());
    this.keepAlive =
        time == Long.MAX_VALUE
            ? null
            : new KeepAliveManager(
                timers,
                new KeepAliveManager.Pinger() {
                  @Override
                  public void ping() {
                    actions.ping();
                  }

                  @Override
                  public void onPingTimeout() {
                    actions.close(
                        Status.UNAVAILABLE.withDescription(
                            "keep-alive ping not acknowledged within "
                                + Duration.ofNanos(timeout)));
                  }
                },
                time,
                timeout,
                server || settings.keepAliveWithoutCalls());
    this.pingPolicy =
        server
            ? new KeepAliveEnforcer(
                timers,
                KeepAliveSettings.nanos(settings.permitKeepAliveTime()),
                settings.permitKeepAliveWithoutCalls())
            : null;
    this.limits =
        server
            ? new ConnectionLimits(
                timers,
                settings,
                new ConnectionLimits.Actions() {
                  @Override
                  public void goAway(String reason) {
                    actions.goAway(Status.UNAVAILABLE.withDescription(reason));
                  }

                  @Override
                  public void forceClose(String reason) {
                    actions.close(Status.UNAVAILABLE.withDescription(reason));
                  }
                })
            : null;
  }

  /** A client connection's liveness: keep-alive PINGs if {@code settings} turn them on. */
  public static ConnectionLiveness client(
      KeepAliveSettings settings, ScheduledExecutorService executor, Actions actions) {
    return new ConnectionLiveness(timers(executor), settings, false, actions);
  }

  /** A server connection's liveness: keep-alive PINGs, the ping policy, idle and age limits. */
  public static ConnectionLiveness server(
      KeepAliveSettings settings, ScheduledExecutorService executor, Actions actions) {
    return new ConnectionLiveness(timers(executor), settings, true, actions);
  }

  /** The connection is up (a client: the server answered). */
  public void start() {
    if (keepAlive != null) {
      keepAlive.onTransportStarted();
    }
    if (limits != null) {
      limits.start();
    }
  }

  /** Bytes arrived from the peer: it is alive. Cheap: called for every read. */
  public void onDataReceived() {
    if (keepAlive != null) {
      keepAlive.onDataReceived();
    }
  }

  /** The first call opened. */
  public void onCallsActive() {
    if (keepAlive != null) {
      keepAlive.onTransportActive();
    }
    if (pingPolicy != null) {
      pingPolicy.onTransportActive();
      limits.onTransportActive();
    }
  }

  /** The last call ended. */
  public void onCallsIdle() {
    if (keepAlive != null) {
      keepAlive.onTransportIdle();
    }
    if (pingPolicy != null) {
      pingPolicy.onTransportIdle();
      limits.onTransportIdle();
    }
  }

  /**
   * Server: a PING arrived; false if the client pings too often, when the transport ends the
   * connection with a GOAWAY carrying {@link #TOO_MANY_PINGS}. Always true on a client.
   */
  public boolean pingAcceptable() {
    return pingPolicy == null || pingPolicy.pingAcceptable();
  }

  /** Server: headers or a message of a call went out; the client may ping again after it. */
  public void onResponseSent() {
    if (pingPolicy != null) {
      pingPolicy.resetCounters();
    }
  }

  /** The connection ended: no more timers. Idempotent. */
  public void stop() {
    if (keepAlive != null) {
      keepAlive.onTransportTermination();
    }
    if (limits != null) {
      limits.stop();
    }
  }

  /**
   * Timers on the connection's own scheduler: the tasks run on it, and a task cancelled there never
   * runs.
   */
  private static Timers timers(ScheduledExecutorService executor) {
    return new Timers() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public Scheduled schedule(Runnable task, long delayNanos) {
        ScheduledFuture<?> f = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
      }
    };
  }
}
