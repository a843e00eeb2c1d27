package dev.typedrpc.internal;

import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ConnectionState;
import dev.typedrpc.Deadline;
import dev.typedrpc.LoadBalancing;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The calls of a channel whose target has several servers, spread over one {@link Subchannel} per
 * address (each with its own connection, back-off and reconnects) by a {@link
 * LoadBalancing.Policy}. A call takes a usable sub-channel without a lock ({@link #picks}, rebuilt
 * on every change); while there is none, calls wait here (bounded) until one is ready, and those
 * that do not wait for ready fail once every address has failed. Changes of the sub-channels are
 * handled one at a time on {@link #sync}, holding this object's lock; the lock order is balancer,
 * then sub-channel (a sub-channel reports its changes through {@link #sync}, never taking this
 * lock). Thread-safe.
 */
final class Balancer {
  private final ChannelImpl parent;
  private final LoadBalancing config;
  private final ChannelOptions subOptions;
  private final ConcurrentHashMap<String, ServiceVersion> localServices;
  private final Executor sync = new SerializingExecutor(Executors2.sharedCallbackExecutor());
  private final AtomicInteger nextPick = new AtomicInteger();
  private final Resolution resolution;

  /** What a waiting call is attached to: it picks again (one may be gone meanwhile). */
  private final PickingTransport waitingTransport = new PickingTransport(this, true);

  private final PickingTransport connectingTransport = new PickingTransport(this, false);

  /** Wait-for-ready calls, and the others while nothing failed yet: each bounded. */
  private final WaitingCalls waitForReady;

  private final WaitingCalls connecting;

  /** The usable sub-channels, in order: calls take them in turn. */
  private volatile List<Subchannel> picks = List.of();

  private volatile ConnectionState state = ConnectionState.IDLE;

  // guarded by this
  private Map<URI, Subchannel> subs = new LinkedHashMap<>();
  private final List<Subchannel> retired = new ArrayList<>();
  private boolean requested;
  private boolean shutdown;
  private Subchannel chosen; // pick-first: the one in use
  private int tryIndex; // pick-first: the address being tried
  private Status lastFailure;
  private CompletableFuture<Void> ready = new CompletableFuture<>();

  Balancer(
      ChannelImpl parent,
      BalancedTarget target,
      ChannelOptions options,
      ConcurrentHashMap<String, ServiceVersion> localServices) {
    this.parent = parent;
    this.config =
        options.loadBalancing() != null ? options.loadBalancing() : LoadBalancing.pickFirst();
    // calls are intercepted, retried and hedged by the balanced channel; sub-channels carry them
    // (the interceptors are given to sub-channels for their own health watches only, so that these
    // carry the channel's credentials)
    this.subOptions =
        new ChannelOptions(
            options.transport(),
            options.executor(),
            options.transportOrder(),
            options.attemptTimeout(),
            options.connectionBackoff(),
            options.maxWaitingCalls(),
            options.interceptors(),
            options.transportEvents(),
            null,
            null,
            null,
            null);
    this.localServices = localServices;
    this.waitForReady = new WaitingCalls(options.maxWaitingCalls());
    this.connecting = new WaitingCalls(options.maxWaitingCalls());
    this.resolution = new Resolution(target, config, this, sync);
  }

  ClientStream newStream(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      boolean wait,
      ClientStreamListener listener) {
    for (int round = 0; ; round++) {
      ClientStream stream = pick(method, headers, deadline, listener);
      if (stream != null) {
        return stream;
      }
      Status failure;
      synchronized (this) {
        if (shutdown) {
          failure = Status.UNAVAILABLE.withDescription("channel is shut down");
        } else {
          requestConnection();
          if (!picks.isEmpty() && round < 2) {
            continue; // became usable meanwhile: take it
          }
          if (wait || state != ConnectionState.TRANSIENT_FAILURE) {
            return enqueue(wait ? waitForReady : connecting, method, headers, deadline, listener);
          }
          failure = notConnected();
        }
      }
      return FailedStream.failed(listener, failure);
    }
  }

  /** A stream on the next usable sub-channel, or null if none is usable. */
  private ClientStream pick(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener) {
    List<Subchannel> usable = picks;
    for (int i = 0; i < usable.size(); i++) {
      Subchannel s = usable.get(Math.floorMod(nextPick.getAndIncrement(), usable.size()));
      ClientStream stream = s.channel.newStreamIfReady(method, headers, deadline, listener);
      if (stream != null) {
        return stream;
      }
    }
    return null;
  }

  /** Holding the lock: a call that waits for a usable sub-channel, or fails if too many wait. */
  private ClientStream enqueue(
      WaitingCalls queue,
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener) {
    AtomicReference<PendingStream> self = new AtomicReference<>();
    PendingStream call =
        new PendingStream(
            method,
            headers,
            deadline,
            listener,
            s -> {
              queue.remove(self.get());
              return s.code() == Status.Code.DEADLINE_EXCEEDED
                  ? s.withDescription(
                      s.description()
                          + " while waiting for a server of "
                          + parent.target()
                          + " to become ready (the channel was "
                          + state
                          + (lastFailure == null ? "" : "; last failure: " + describe(lastFailure))
                          + ")")
                  : s;
            });
    self.set(call);
    if (!queue.add(call)) {
      return FailedStream.failed(
          listener,
          Status.RESOURCE_EXHAUSTED.withDescription(
              queue.max()
                  + " calls already wait for a server to become ready"
                  + " (ChannelOptions.maxWaitingCalls)"));
    }
    sync.execute(this::update);
    return call;
  }

  /** Holding the lock: a connection is wanted (a call, {@code connectNow}). */
  private void requestConnection() {
    if (!requested) {
      requested = true;
      resolution.start();
      sync.execute(this::update);
    } else if (state == ConnectionState.IDLE) {
      sync.execute(this::update);
    } else if (subs.isEmpty()) {
      resolution.failed(); // nothing resolved yet: try again (at most once per gap)
    }
  }

  /** Holding the lock, with every address failing: why a call fails at once. */
  private Status notConnected() {
    Status last = lastFailure;
    Status status =
        Status.UNAVAILABLE.withDescription(
            "no server of "
                + parent.target()
                + " is ready ("
                + subs.size()
                + " addresses"
                + (last == null ? "" : "; last failure: " + describe(last))
                + "); a call with CallOptions.withWaitForReady() would wait for one");
    return last != null && last.cause() != null ? status.withCause(last.cause()) : status;
  }

  private static String describe(Status status) {
    return status.description() != null ? status.description() : status.code().toString();
  }

  /** On {@link #sync}: the resolver's new list of addresses (or its failure). */
  void addressesResolved(List<URI> addresses, Status failure) {
    List<Subchannel> gone = new ArrayList<>();
    synchronized (this) {
      if (shutdown) {
        return;
      }
      if (failure != null) {
        lastFailure = failure; // keep the addresses we have
      } else {
        Map<URI, Subchannel> next = new LinkedHashMap<>();
        for (URI address : addresses) {
          Subchannel s = subs.remove(address);
          next.put(address, s != null ? s : newSubchannel(address));
        }
        gone.addAll(subs.values());
        subs = next;
        retired.removeIf(s -> s.channel.state() == ConnectionState.SHUTDOWN && terminated(s));
        retired.addAll(gone);
        for (Subchannel s : gone) {
          s.stopWatch();
        }
      }
    }
    for (Subchannel s : gone) {
      s.channel.shutdown(); // its calls in progress finish
    }
    update();
  }

  private static boolean terminated(Subchannel s) {
    try {
      return s.channel.awaitTermination(Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private Subchannel newSubchannel(URI address) {
    ChannelImpl channel = ChannelImpl.subchannel(address, subOptions, localServices, this::changed);
    return new Subchannel(address, channel, config.healthChecks(), this, this::changed);
  }

  /** A sub-channel changed (any thread, maybe holding its lock): handled on {@link #sync}. */
  private void changed() {
    sync.execute(this::update);
  }

  /** On {@link #sync}: follows the sub-channels' changes. */
  private void update() {
    List<PendingStream> toAttach = List.of();
    List<PendingStream> toAttachConnecting = List.of();
    List<PendingStream> toFail = List.of();
    Status failure = null;
    CompletableFuture<Void> completed = null;
    CompletableFuture<Void> failed = null;
    synchronized (this) {
      if (shutdown) {
        return;
      }
      List<Subchannel> all = List.copyOf(subs.values());
      noticeFailures(all);
      List<Subchannel> usable =
          config.policy() == LoadBalancing.Policy.PICK_FIRST ? pickFirst(all) : roundRobin(all);
      picks = usable;
      ConnectionState next = aggregate(all, usable);
      if (next != state) {
        state = next;
        parent.balancedStateChanged(next);
        if (next == ConnectionState.READY) {
          completed = ready;
          ready = new CompletableFuture<>();
        } else if (next == ConnectionState.TRANSIENT_FAILURE) {
          failed = ready;
          ready = new CompletableFuture<>();
        }
      }
      if (!usable.isEmpty()) {
        toAttach = waitForReady.takeAll();
        toAttachConnecting = connecting.takeAll();
      } else if (state == ConnectionState.TRANSIENT_FAILURE) {
        toFail = connecting.takeAll();
        failure = notConnected();
      }
    }
    if (completed != null) {
      completed.complete(null);
    }
    if (failed != null) {
      failed.completeExceptionally(notConnectedNow().asException());
    }
    for (PendingStream call : toAttach) {
      call.attach(waitingTransport);
    }
    for (PendingStream call : toAttachConnecting) {
      call.attach(connectingTransport);
    }
    for (PendingStream call : toFail) {
      call.fail(failure);
    }
  }

  private synchronized Status notConnectedNow() {
    return notConnected();
  }

  /** Holding the lock: health follows readiness; a failed or lost connection re-resolves. */
  private void noticeFailures(List<Subchannel> all) {
    boolean failedOrLost = false;
    for (Subchannel s : all) {
      ConnectionState now = s.channel.state();
      if (now != s.seen) {
        if (now == ConnectionState.TRANSIENT_FAILURE) {
          failedOrLost = true;
          lastFailure = s.channel.lastFailure();
        } else if (now == ConnectionState.IDLE && s.seen == ConnectionState.READY) {
          failedOrLost = true;
        }
        s.seen = now;
      }
      s.followHealth();
    }
    if (failedOrLost) {
      resolution.failed();
    }
  }

  /**
   * Holding the lock: one connection, to the first address that connects; when it fails, the next
   * is tried; a lost connection makes the channel idle until a call wants one again.
   */
  private List<Subchannel> pickFirst(List<Subchannel> all) {
    Subchannel use = chosen != null && all.contains(chosen) && chosen.usable() ? chosen : null;
    for (int i = 0; use == null && i < all.size(); i++) {
      if (all.get(i).usable()) {
        use = all.get(i);
      }
    }
    if (use != null) {
      chosen = use;
      for (Subchannel s : all) {
        if (s != use && s.channel.state() != ConnectionState.IDLE) {
          s.channel.enterIdle();
        }
      }
      return List.of(use);
    }
    if (chosen != null) {
      // the connection in use was lost: idle, until a call (or one waiting) wants a connection
      chosen = null;
      tryIndex = 0;
      requested = !waitForReady.isEmpty() || !connecting.isEmpty();
    }
    if (requested && !all.isEmpty()) {
      boolean underWay = false;
      for (Subchannel s : all) {
        underWay |= s.channel.state() == ConnectionState.CONNECTING || s.healthPending();
      }
      // the next address that is not backing off, from the one being tried
      for (int i = 0; !underWay && i < all.size(); i++) {
        int index = (tryIndex + i) % all.size();
        Subchannel s = all.get(index);
        if (s.channel.state() == ConnectionState.IDLE) {
          tryIndex = index;
          connect(s);
          underWay = true;
        }
      }
    }
    return List.of();
  }

  /**
   * Holding the lock: a sub-channel connects; one that cannot even dial backs off like a failure.
   */
  private static void connect(Subchannel s) {
    try {
      s.channel.requestConnection();
    } catch (RuntimeException e) {
      // the sub-channel is in back-off with this reason; its state change follows
    }
  }

  /** Holding the lock: a connection to every address; the usable ones take calls in turn. */
  private List<Subchannel> roundRobin(List<Subchannel> all) {
    List<Subchannel> usable = new ArrayList<>();
    for (Subchannel s : all) {
      if (requested && s.channel.state() == ConnectionState.IDLE) {
        connect(s); // lost or new: reconnect at once (back-off after failures)
      }
      if (s.usable()) {
        usable.add(s);
      }
    }
    return List.copyOf(usable);
  }

  /**
   * Holding the lock: as gRPC aggregates: READY if any sub-channel is usable, else CONNECTING if
   * any connects (or the first resolution is under way), else IDLE if any is idle, else
   * TRANSIENT_FAILURE.
   */
  private ConnectionState aggregate(List<Subchannel> all, List<Subchannel> usable) {
    if (!usable.isEmpty()) {
      return ConnectionState.READY;
    }
    boolean idle = false;
    for (Subchannel s : all) {
      ConnectionState st = s.channel.state();
      if (st == ConnectionState.CONNECTING || s.healthPending()) {
        return ConnectionState.CONNECTING;
      }
      idle |= st == ConnectionState.IDLE;
    }
    if (all.isEmpty()) {
      return !requested
          ? ConnectionState.IDLE
          : resolution.pending() ? ConnectionState.CONNECTING : ConnectionState.TRANSIENT_FAILURE;
    }
    return idle && !requested
        ? ConnectionState.IDLE
        : idle ? ConnectionState.CONNECTING : ConnectionState.TRANSIENT_FAILURE;
  }

  String transportScheme() {
    List<Subchannel> usable = picks;
    return usable.isEmpty() ? null : usable.get(0).channel.transportScheme();
  }

  CompletableFuture<Void> connectNow() {
    synchronized (this) {
      if (shutdown) {
        return CompletableFuture.failedFuture(
            Status.UNAVAILABLE.withDescription("channel is shut down").asException());
      }
      if (state == ConnectionState.READY) {
        return CompletableFuture.completedFuture(null);
      }
      requestConnection();
      if (state == ConnectionState.TRANSIENT_FAILURE) {
        return CompletableFuture.failedFuture(notConnected().asException());
      }
      return ready.copy();
    }
  }

  CompletableFuture<List<ServiceVersion>> serverServices() {
    return connectNow()
        .thenCompose(
            ready -> {
              List<Subchannel> usable = picks;
              return usable.isEmpty()
                  ? CompletableFuture.failedFuture(
                      Status.UNAVAILABLE.withDescription("no server is ready").asException())
                  : usable.get(0).channel.serverServices();
            });
  }

  synchronized void resetConnectBackoff() {
    for (Subchannel s : subs.values()) {
      s.channel.resetConnectBackoff();
    }
  }

  void shutdown(boolean now) {
    List<Subchannel> all;
    List<PendingStream> waited;
    CompletableFuture<Void> notReady;
    synchronized (this) {
      if (!shutdown) {
        shutdown = true;
        resolution.stop();
        state = ConnectionState.SHUTDOWN;
        parent.balancedStateChanged(ConnectionState.SHUTDOWN);
      }
      all = new ArrayList<>(subs.values());
      all.addAll(retired);
      for (Subchannel s : all) {
        s.stopWatch();
      }
      picks = List.of();
      waited = new ArrayList<>(waitForReady.takeAll());
      waited.addAll(connecting.takeAll());
      notReady = ready;
    }
    Status reason = Status.UNAVAILABLE.withDescription("channel shut down");
    notReady.completeExceptionally(reason.asException());
    for (PendingStream call : waited) {
      call.fail(reason);
    }
    for (Subchannel s : all) {
      if (now) {
        s.channel.shutdownNow();
      } else {
        s.channel.shutdown();
      }
    }
  }

  boolean awaitTermination(Duration timeout) throws InterruptedException {
    List<Subchannel> all;
    synchronized (this) {
      if (!shutdown) {
        return false;
      }
      all = new ArrayList<>(subs.values());
      all.addAll(retired);
    }
    long end = System.nanoTime() + timeout.toNanos();
    for (Subchannel s : all) {
      long left = Math.max(0, end - System.nanoTime());
      if (!s.channel.awaitTermination(Duration.ofNanos(left))) {
        return false;
      }
    }
    return true;
  }

  /** Bounded for tests and diagnostics: the addresses in use, in order. */
  synchronized List<URI> addresses() {
    return List.copyOf(subs.keySet());
  }
}
