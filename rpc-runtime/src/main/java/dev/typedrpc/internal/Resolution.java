package dev.typedrpc.internal;

import dev.typedrpc.LoadBalancing;
import dev.typedrpc.Status;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Turns a balanced target's hosts into the addresses of its sub-channels: at the first connection,
 * every {@link LoadBalancing#refreshInterval()}, and when a connection fails or is lost (at most
 * once per {@link LoadBalancing#MIN_RERESOLVE_GAP}). The resolver runs on the shared pool, never
 * holding a lock; its answer goes to the balancer on its serializing executor. Every method is
 * called holding the balancer's lock, which guards the fields.
 */
final class Resolution {
  private final BalancedTarget target;
  private final LoadBalancing config;
  private final Balancer balancer;
  private final Executor sync;
  private boolean started;
  private boolean running;
  private boolean answered;
  private boolean stopped;
  private long lastNanos;
  private ScheduledFuture<?> timer;

  Resolution(BalancedTarget target, LoadBalancing config, Balancer balancer, Executor sync) {
    this.target = target;
    this.config = config;
    this.balancer = balancer;
    this.sync = sync;
  }

  /** The first connection is wanted: resolve, once. */
  void start() {
    if (!started) {
      started = true;
      resolveNow();
    }
  }

  /** Whether the first answer is still awaited. */
  boolean pending() {
    return started && !answered;
  }

  /** A connection failed or was lost: resolve again, unless that was done just now. */
  void failed() {
    if (started
        && !running
        && target.resolved()
        && System.nanoTime() - lastNanos >= LoadBalancing.MIN_RERESOLVE_GAP.toNanos()) {
      resolveNow();
    }
  }

  void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel(false);
    }
  }

  private void resolveNow() {
    if (stopped || running) {
      return;
    }
    if (!target.resolved()) {
      // TLS or a non-network scheme: the listed hosts are the addresses, for good
      List<URI> listed = new ArrayList<>();
      for (BalancedTarget.Entry e : target.entries()) {
        listed.add(target.uriOf(e));
      }
      answered = true;
      sync.execute(() -> balancer.addressesResolved(List.copyOf(listed), null));
      return;
    }
    running = true;
    lastNanos = System.nanoTime();
    if (timer != null) {
      timer.cancel(false);
    }
    Executors2.sharedCallbackExecutor()
        .execute(
            () -> {
              List<URI> found = new ArrayList<>();
              Status failure = resolveAll(found);
              sync.execute(() -> answer(found, failure));
            });
  }

  private void answer(List<URI> found, Status failure) {
    synchronized (balancer) {
      running = false;
      if (stopped) {
        return;
      }
      answered = true;
      long refresh = config.refreshInterval().toNanos();
      timer =
          Executors2.timers()
              .schedule(
                  () -> {
                    synchronized (balancer) {
                      resolveNow();
                    }
                  },
                  refresh,
                  TimeUnit.NANOSECONDS);
    }
    balancer.addressesResolved(List.copyOf(found), found.isEmpty() ? failure : null);
  }

  /**
   * Off any lock: the addresses of every host, in order, without duplicates, at most {@link
   * LoadBalancing#MAX_ADDRESSES}; a failure if a host could not be resolved (then {@code found} is
   * emptied: the balancer keeps the addresses it has) or none was found.
   */
  private Status resolveAll(List<URI> found) {
    Set<URI> all = new LinkedHashSet<>();
    for (BalancedTarget.Entry e : target.entries()) {
      String host = e.host();
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        for (InetSocketAddress a : config.resolver().resolve(host, e.port())) {
          if (all.size() < LoadBalancing.MAX_ADDRESSES) {
            all.add(target.uriOf(a));
          }
        }
      } catch (UnknownHostException | RuntimeException ex) {
        return Status.UNAVAILABLE
            .withDescription("cannot resolve " + host + ": " + ex.getMessage())
            .withCause(ex);
      }
    }
    if (all.isEmpty()) {
      return Status.UNAVAILABLE.withDescription("no address for " + target.entries());
    }
    found.addAll(all);
    return null;
  }
}
