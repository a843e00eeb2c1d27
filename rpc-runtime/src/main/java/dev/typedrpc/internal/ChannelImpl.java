package dev.typedrpc.internal;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ClientCall;
import dev.typedrpc.ConnectionState;
import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.GeneratedService;
import dev.typedrpc.spi.TransportEvents;
import dev.typedrpc.spi.TransportProvider;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The {@link RpcChannel}: keeps one live transport to the target and creates calls on it. When it
 * has none, a call opens one; an attempt that fails is retried after a back-off ({@link
 * Connectivity}), during which calls fail at once unless they wait for ready ({@link
 * WaitingCalls}). State listeners hear of every change on the channel's executor ({@link
 * StateListeners}). Thread-safe.
 */
public final class ChannelImpl implements RpcChannel {
  /** The scheme of targets whose transport is negotiated. */
  public static final String NEGOTIATE_SCHEME = "typedrpc";

  private final URI target;
  private final ChannelOptions options;
  private final TransportProvider provider;
  private final Executor executor;

  /** The executor runs tasks on the submitting thread ({@link Executors2#runsOnCaller}). */
  private final boolean directExecutor;

  private final Set<ClientTransport> live = ConcurrentHashMap.newKeySet();

  /**
   * Services this channel made stubs for: announced to the server. A balanced channel shares its
   * map with its sub-channels.
   */
  private final ConcurrentHashMap<String, ServiceVersion> localServices;

  /** For a target of several servers: spreads the calls over sub-channels; else null. */
  private final Balancer balancer;

  /** For a sub-channel of a balanced channel: told of every state change; else a no-op. */
  private final Runnable stateHook;

  private CompletableFuture<List<ServiceVersion>> serverServices =
      new CompletableFuture<>(); // guarded by this

  /**
   * What is known of the server's versions: announced at connect, or learned from response
   * metadata.
   */
  private final ConcurrentHashMap<String, ServiceVersion> knownServer = new ConcurrentHashMap<>();

  /** Whether the current connection's transport announced the server's services at connect. */
  private volatile boolean serverAnnounced;

  private final CountDownLatch terminated = new CountDownLatch(1);
  private ClientTransport current; // guarded by this
  private volatile boolean shutdown;

  /** The state, mirrored from {@link #connectivity} for reads without the lock. */
  private volatile ConnectionState state = ConnectionState.IDLE;

  private final Connectivity connectivity; // guarded by this

  /** The transport settings of the next connection: keep-alive slows down on too_many_pings. */
  private final KeepAliveBackoff keepAliveBackoff;

  private final StateListeners stateListeners;
  private final WaitingCalls waiting;
  private final RetryThrottle retryThrottle; // null: not throttled
  private volatile String transportScheme;

  /** For negotiated targets: the transport that worked last time, tried first next time. */
  private volatile String preferred;

  private CompletableFuture<Void> ready = new CompletableFuture<>(); // guarded by this

  private ChannelImpl(
      URI target,
      ChannelOptions options,
      Scheduler scheduler,
      BalancedTarget balanced,
      ConcurrentHashMap<String, ServiceVersion> localServices,
      Runnable stateHook) {
    this.target = target;
    this.options = options;
    this.localServices = localServices;
    this.stateHook = stateHook;
    this.provider =
        NEGOTIATE_SCHEME.equalsIgnoreCase(target.getScheme()) || balanced != null
            ? null
            : Registries.transport(target.getScheme());
    this.executor =
        options.executor() == null ? Executors2.sharedCallbackExecutor() : options.executor();
    this.directExecutor = options.executor() != null && Executors2.runsOnCaller(options.executor());
    // listeners never run on the thread that changed the state: with a direct executor they use the
    // shared pool
    this.stateListeners =
        new StateListeners(directExecutor ? Executors2.sharedCallbackExecutor() : executor);
    this.waiting = new WaitingCalls(options.maxWaitingCalls());
    this.retryThrottle =
        options.retryThrottling() == null ? null : new RetryThrottle(options.retryThrottling());
    this.keepAliveBackoff = new KeepAliveBackoff(options.transport());
    this.connectivity =
        new Connectivity(
            this,
            options.connectionBackoff(),
            scheduler,
            () -> ThreadLocalRandom.current().nextDouble(),
            new Owner());
    if (balanced != null && !NEGOTIATE_SCHEME.equalsIgnoreCase(target.getScheme())) {
      Registries.transport(target.getScheme()); // an unknown scheme fails now, as for one address
    }
    this.balancer = balanced == null ? null : new Balancer(this, balanced, options, localServices);
  }

  /**
   * Sends a call's last request message, whose encoded size the caller computed: a call of this
   * channel hands the size to its transport, so that the message is not sized twice; any other call
   * just sends it.
   */
  public static <Req> void sendLastMessage(ClientCall<Req, ?> call, Req message, int encodedSize) {
    if (call instanceof ClientCallImpl<Req, ?> impl) {
      impl.sendLastMessage(message, encodedSize);
    } else {
      call.sendLastMessage(message);
    }
  }

  public static RpcChannel create(URI target, ChannelOptions options) {
    return new ChannelImpl(
        target,
        options,
        Scheduler.SYSTEM,
        BalancedTarget.parse(target, options),
        new ConcurrentHashMap<>(),
        () -> {});
  }

  /**
   * A sub-channel of a balanced channel: one address, announcing the services of {@code
   * localServices}, telling {@code stateHook} (which must not block or take locks) of every state
   * change.
   */
  static ChannelImpl subchannel(
      URI address,
      ChannelOptions options,
      ConcurrentHashMap<String, ServiceVersion> localServices,
      Runnable stateHook) {
    return new ChannelImpl(address, options, Scheduler.SYSTEM, null, localServices, stateHook);
  }

  @Override
  public <T> T stub(Class<T> serviceInterface, CallOptions options) {
    GeneratedService<T> service = Registries.service(serviceInterface);
    ServiceVersion version = ServiceVersion.of(service.descriptor());
    localServices.putIfAbsent(version.name(), version);
    return service.newStub(this, options);
  }

  @Override
  public CompletableFuture<List<ServiceVersion>> serverServices() {
    if (balancer != null) {
      return balancer.serverServices();
    }
    CompletableFuture<List<ServiceVersion>> known;
    synchronized (this) {
      if (shutdown) {
        return CompletableFuture.failedFuture(
            Status.UNAVAILABLE.withDescription("channel is shut down").asException());
      }
      connectivity.requestConnection();
      known = serverServices;
    }
    return known.copy();
  }

  @Override
  public <Req, Resp> ClientCall<Req, Resp> newCall(
      MethodDescriptor<Req, Resp> method, CallOptions options) {
    return newCall(method, options, new SerializingExecutor(executor, directExecutor));
  }

  /**
   * A call whose callbacks run on {@code callbacks} (which must serialize them), or, given {@link
   * #TRANSPORT_THREAD}, directly on the transport's thread, serialized by the transport (for
   * listeners that only complete a future and tolerate being called from within another of their
   * callbacks).
   */
  public <Req, Resp> ClientCall<Req, Resp> newCall(
      MethodDescriptor<Req, Resp> method, CallOptions options, Executor callbacks) {
    return new ClientCallImpl<>(
        this, method, options, callbacks == TRANSPORT_THREAD ? null : callbacks);
  }

  /**
   * Passed to {@link #newCall(MethodDescriptor, CallOptions, Executor)}: no executor, not even a
   * direct one.
   */
  public static final Executor TRANSPORT_THREAD = Runnable::run;

  /**
   * Whether {@code executor} ran a task on the calling thread before returning, i.e. is direct
   * ({@code Runnable::run}). Probed once per channel with a no-op task: a direct executor's calls
   * then run their callbacks inline when idle instead of queueing each one (see {@link
   * SerializingExecutor#tryEnter}).
   */
  /** The server's version of {@code service}, if known; null otherwise. */
  ServiceVersion knownServerService(String service) {
    return knownServer.get(service);
  }

  /** This client's version of {@code service}, if it made a stub for it; null otherwise. */
  ServiceVersion localService(String service) {
    return localServices.get(service);
  }

  /**
   * Whether calls must carry their service version in metadata (the transport exchanges none at
   * connect).
   */
  boolean versionsInMetadata() {
    return !serverAnnounced;
  }

  /** A response told the server's version of a service. */
  void learnServerService(ServiceVersion version) {
    knownServer.put(version.name(), version);
  }

  /** The interceptors of every call of this channel. */
  /** The channel's retry policy, or null. */
  dev.typedrpc.RetryPolicy retryPolicy() {
    return options.retryPolicy();
  }

  /** The channel's hedging policy, or null. */
  dev.typedrpc.HedgingPolicy hedgingPolicy() {
    return options.hedgingPolicy();
  }

  /** The channel's retry throttle, or null. */
  RetryThrottle retryThrottle() {
    return retryThrottle;
  }

  List<dev.typedrpc.ClientInterceptor> interceptors() {
    return options.interceptors();
  }

  /** How the channel spaces its attempts to connect. */
  dev.typedrpc.ConnectionBackoff connectionBackoff() {
    return options.connectionBackoff();
  }

  /** The channel's executor for application callbacks. */
  public Executor executor() {
    return executor;
  }

  /**
   * A stream for a call: on the connection if it is ready or being made; for a wait-for-ready call
   * that cannot go out yet, a stream that waits at the channel until it is ready; otherwise (in
   * back-off) a stream failed with {@code UNAVAILABLE}.
   */
  ClientStream newStream(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      boolean waitForReady,
      ClientStreamListener listener) {
    if (balancer != null) {
      return balancer.newStream(method, headers, deadline, waitForReady, listener);
    }
    ClientTransport transport;
    Status failure = null;
    synchronized (this) {
      if (shutdown) {
        failure = Status.UNAVAILABLE.withDescription("channel is shut down");
      } else {
        connectivity.requestConnection();
        if (waitForReady && connectivity.state() != ConnectionState.READY) {
          return waitForReady(method, headers, deadline, listener);
        }
        if (current == null) {
          failure = notConnected();
        }
      }
      transport = current;
    }
    if (failure != null) {
      return FailedStream.failed(listener, failure);
    }
    return transport.newStream(method, headers, deadline, listener);
  }

  /**
   * Holding the lock: a stream that waits for the channel to become ready, or fails if too many
   * wait.
   */
  private ClientStream waitForReady(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener) {
    AtomicReference<PendingStream> self = new AtomicReference<>();
    PendingStream call =
        new PendingStream(
            method, headers, deadline, listener, s -> droppedWhileWaiting(self.get(), s));
    self.set(call);
    if (!waiting.add(call)) {
      return FailedStream.failed(
          listener,
          Status.RESOURCE_EXHAUSTED.withDescription(
              waiting.max()
                  + " wait-for-ready calls already wait for the channel to become ready"
                  + " (ChannelOptions.maxWaitingCalls)"));
    }
    return call;
  }

  /**
   * A waiting call was cancelled or timed out: it leaves the queue, and its status says what it
   * waited for.
   */
  private Status droppedWhileWaiting(PendingStream call, Status status) {
    waiting.remove(call);
    if (status.code() != Status.Code.DEADLINE_EXCEEDED) {
      return status;
    }
    Status last = connectivity.lastFailure(); // a racy read is fine: it only explains
    return status.withDescription(
        status.description()
            + " while waiting for the channel to become ready (it was "
            + state
            + (last == null ? "" : "; last attempt: " + describe(last))
            + ")");
  }

  /** Holding the lock, in back-off: why a call that does not wait for ready fails at once. */
  private Status notConnected() {
    Status last = connectivity.lastFailure();
    Status status =
        Status.UNAVAILABLE.withDescription(
            (last == null ? "not connected" : describe(last))
                + " (next attempt to connect in "
                + TimeUnit.NANOSECONDS.toMillis(connectivity.backoffRemainingNanos())
                + " ms; a call with CallOptions.withWaitForReady() would wait for it)");
    return last != null && last.cause() != null ? status.withCause(last.cause()) : status;
  }

  private static String describe(Status status) {
    return status.description() != null ? status.description() : status.code().toString();
  }

  private List<String> negotiationOrder() {
    String first = preferred;
    if (first == null) {
      return options.transportOrder();
    }
    List<String> order = new java.util.ArrayList<>(options.transportOrder());
    order.remove(first);
    order.add(0, first);
    return order;
  }

  /**
   * For a sub-channel: a stream on the ready connection, or null if there is none (the balancer
   * then picks another).
   */
  ClientStream newStreamIfReady(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener) {
    ClientTransport transport;
    synchronized (this) {
      if (shutdown || connectivity.state() != ConnectionState.READY || current == null) {
        return null;
      }
      transport = current;
    }
    return transport.newStream(method, headers, deadline, listener);
  }

  /** For a sub-channel: connect if idle. */
  synchronized void requestConnection() {
    if (!shutdown) {
      connectivity.requestConnection();
    }
  }

  /** For a sub-channel: why its last attempt failed, or null. */
  Status lastFailure() {
    return connectivity.lastFailure(); // a racy read is fine: it only explains
  }

  /**
   * For a sub-channel the balancer does not need (pick-first uses another): drop the attempt or
   * back-off under way, close the connection gracefully (its calls finish), and stay idle until a
   * connection is wanted again.
   */
  void enterIdle() {
    ClientTransport t;
    synchronized (this) {
      if (shutdown) {
        return;
      }
      t = connectivity.state() == ConnectionState.READY ? current : null;
      if (t != null) {
        current = null; // what the transport reports from now on is ignored
        knownServer.clear();
        if (serverServices.isDone()) {
          serverServices = new CompletableFuture<>();
        }
        if (ready.isDone()) {
          ready = new CompletableFuture<>();
        }
      }
      connectivity.idle();
    }
    if (t != null) {
      t.shutdown(Status.UNAVAILABLE.withDescription("connection not needed by the load balancer"));
    }
  }

  @Override
  public ConnectionState state() {
    return state;
  }

  @Override
  public AutoCloseable onStateChange(Consumer<ConnectionState> listener) {
    return stateListeners.add(listener);
  }

  @Override
  public String transportScheme() {
    if (balancer != null) {
      return balancer.transportScheme();
    }
    return state == ConnectionState.READY ? transportScheme : null;
  }

  @Override
  public CompletableFuture<Void> connectNow() {
    if (balancer != null) {
      return balancer.connectNow();
    }
    synchronized (this) {
      if (shutdown) {
        return CompletableFuture.failedFuture(
            Status.UNAVAILABLE.withDescription("channel is shut down").asException());
      }
      connectivity.requestConnection();
      return ready.copy();
    }
  }

  @Override
  public void resetConnectBackoff() {
    if (balancer != null) {
      balancer.resetConnectBackoff();
      return;
    }
    synchronized (this) {
      connectivity.resetBackoff();
    }
  }

  /** For a balanced channel: its aggregated state changed. Must not block. */
  void balancedStateChanged(ConnectionState next) {
    state = next;
    stateListeners.changed(next);
  }

  /**
   * Makes the connection attempts {@link Connectivity} asks for. Every method runs holding the
   * channel's lock.
   */
  private final class Owner implements Connectivity.Owner {
    @Override
    public void stateChanged(ConnectionState next) {
      state = next;
      stateListeners.changed(next);
      stateHook.run();
    }

    @Override
    public void dial() {
      ClientTransport t =
          provider != null
              ? provider.newClientTransport(target, keepAliveBackoff.settings())
              : new NegotiatingTransport(
                  target,
                  negotiationOrder(),
                  options,
                  keepAliveBackoff.settings(),
                  scheme -> preferred = scheme);
      current = t;
      if (serverServices.isDone()) {
        serverServices = new CompletableFuture<>(); // a new connection learns them anew
      }
      if (ready.isDone()) {
        ready = new CompletableFuture<>();
      }
      live.add(t);
      t.start(new TransportListener(t));
    }

    @Override
    public void abandon(Status reason) {
      ClientTransport t = current;
      current = null; // what the transport reports from now on is ignored
      CompletableFuture<Void> notReady = ready;
      CompletableFuture<List<ServiceVersion>> services = serverServices;
      knownServer.clear();
      // off the lock and the timer thread: completing the futures runs their callers' callbacks
      Executors2.sharedCallbackExecutor()
          .execute(
              () -> {
                services.completeExceptionally(reason.asException());
                notReady.completeExceptionally(reason.asException());
                if (t != null) {
                  t.shutdownNow(reason);
                }
              });
    }
  }

  private final class TransportListener implements ClientTransport.Listener {
    private final ClientTransport transport;

    /** The scheme reported to the transport events when this transport became ready; else null. */
    private volatile String reportedOpen;

    TransportListener(ClientTransport transport) {
      this.transport = transport;
    }

    @Override
    public void transportReady() {
      serverServices(List.of()); // a transport that announced nothing: nothing is known
      CompletableFuture<Void> nowReady;
      List<PendingStream> waited;
      synchronized (ChannelImpl.this) {
        if (current != transport) {
          return;
        }
        transportScheme = provider != null ? target.getScheme() : preferred;
        if (options.transportEvents() != TransportEvents.NONE) {
          reportedOpen = transportScheme;
        }
        nowReady = ready;
        connectivity.ready();
        waited = waiting.takeAll();
      }
      String opened = reportedOpen;
      if (opened != null) {
        options.transportEvents().connectionOpened(opened);
      }
      nowReady.complete(null); // after the state: whoever waited sees READY
      for (PendingStream call : waited) {
        call.attach(transport);
      }
    }

    @Override
    public List<ServiceVersion> localServices() {
      return List.copyOf(localServices.values());
    }

    @Override
    public void serverServices(List<ServiceVersion> services) {
      synchronized (ChannelImpl.this) {
        if (current == transport && !serverServices.isDone()) {
          serverServices.complete(services);
          serverAnnounced = !services.isEmpty();
          for (ServiceVersion v : services) {
            knownServer.put(v.name(), v);
          }
        }
      }
    }

    @Override
    public void tooManyPings() {
      keepAliveBackoff.tooManyPings();
    }

    @Override
    public void transportShutdown(Status reason) {
      CompletableFuture<Void> notReady;
      synchronized (ChannelImpl.this) {
        if (current != transport) {
          return;
        }
        current = null;
        serverServices.completeExceptionally(reason.asException());
        knownServer.clear(); // the next connection may reach another version of the server
        notReady = ready;
        if (connectivity.state() == ConnectionState.READY) {
          // lost after it was ready: idle, reconnecting on demand (at once if calls wait for it)
          connectivity.connectionLost();
          if (!waiting.isEmpty()) {
            connectivity.requestConnection();
          }
        } else {
          connectivity.attemptFailed(reason); // a failure to connect: back off
        }
      }
      notReady.completeExceptionally(
          reason.asException()); // after the state: whoever waited sees it
    }

    @Override
    public void transportTerminated() {
      String opened = reportedOpen;
      if (opened != null) {
        reportedOpen = null;
        options.transportEvents().connectionClosed(opened);
      }
      transportShutdown(Status.UNAVAILABLE);
      live.remove(transport);
      checkTerminated();
    }
  }

  private void checkTerminated() {
    if (shutdown && live.isEmpty()) {
      terminated.countDown();
    }
  }

  @Override
  public URI target() {
    return target;
  }

  @Override
  public void shutdown() {
    if (balancer != null) {
      balancer.shutdown(false);
      return;
    }
    ClientTransport t;
    CompletableFuture<Void> notReady;
    List<PendingStream> waited;
    synchronized (this) {
      shutdown = true;
      t = current;
      current = null;
      notReady = ready;
      waited = waiting.takeAll();
      connectivity.shutdown();
    }
    Status reason = Status.UNAVAILABLE.withDescription("channel shut down");
    notReady.completeExceptionally(reason.asException());
    for (PendingStream call : waited) {
      call.fail(reason);
    }
    if (t != null) {
      t.shutdown(reason);
    }
    checkTerminated();
  }

  @Override
  public void shutdownNow() {
    if (balancer != null) {
      balancer.shutdown(true);
      return;
    }
    shutdown();
    for (ClientTransport t : live) {
      t.shutdownNow(Status.UNAVAILABLE.withDescription("channel shut down"));
    }
    checkTerminated();
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    if (balancer != null) {
      return balancer.awaitTermination(timeout);
    }
    return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void close() {
    shutdown();
    try {
      if (!awaitTermination(Duration.ofSeconds(5))) {
        shutdownNow();
        awaitTermination(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "RpcChannel[" + target + "]";
  }
}
