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
import dev.typedrpc.spi.GeneratedService;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.TransportProvider;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RpcChannel}: keeps one live transport to the target, opens a new one when the last failed or went
 * away, and creates calls on it. Thread-safe.
 */
public final class ChannelImpl implements RpcChannel {
  /** The scheme of targets whose transport is negotiated. */
  public static final String NEGOTIATE_SCHEME = "typedrpc";

  private static final Logger log = LoggerFactory.getLogger(ChannelImpl.class);

  private final URI target;
  private final ChannelOptions options;
  private final TransportProvider provider;
  private final Executor executor;
  /** The executor runs tasks on the submitting thread ({@link #runsOnCaller}). */
  private final boolean directExecutor;
  private final Set<ClientTransport> live = ConcurrentHashMap.newKeySet();
  /** Services this channel made stubs for: announced to the server. */
  private final ConcurrentHashMap<String, ServiceVersion> localServices = new ConcurrentHashMap<>();
  private CompletableFuture<List<ServiceVersion>> serverServices = new CompletableFuture<>(); // guarded by this
  /** What is known of the server's versions: announced at connect, or learned from response metadata. */
  private final ConcurrentHashMap<String, ServiceVersion> knownServer = new ConcurrentHashMap<>();
  /** Whether the current connection's transport announced the server's services at connect. */
  private volatile boolean serverAnnounced;
  private final CountDownLatch terminated = new CountDownLatch(1);
  private ClientTransport current; // guarded by this
  private volatile boolean shutdown;
  private volatile ConnectionState state = ConnectionState.IDLE;
  private final List<Consumer<ConnectionState>> stateListeners = new CopyOnWriteArrayList<>();
  private volatile String transportScheme;
  /** For negotiated targets: the transport that worked last time, tried first next time. */
  private volatile String preferred;
  private CompletableFuture<Void> ready = new CompletableFuture<>(); // guarded by this

  private ChannelImpl(URI target, ChannelOptions options) {
    this.target = target;
    this.options = options;
    this.provider =
        NEGOTIATE_SCHEME.equalsIgnoreCase(target.getScheme()) ? null : Registries.transport(target.getScheme());
    this.executor = options.executor() == null ? Executors2.sharedCallbackExecutor() : options.executor();
    this.directExecutor = options.executor() != null && runsOnCaller(options.executor());
  }

  public static RpcChannel create(URI target, ChannelOptions options) {
    return new ChannelImpl(target, options);
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
    CompletableFuture<List<ServiceVersion>> known;
    synchronized (this) {
      if (transport() == null) {
        return CompletableFuture.failedFuture(Status.UNAVAILABLE.withDescription("channel is shut down").asException());
      }
      known = serverServices;
    }
    return known.copy();
  }

  @Override
  public <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options) {
    return newCall(method, options, new SerializingExecutor(executor, directExecutor));
  }

  /**
   * A call whose callbacks run on {@code callbacks} (which must serialize them), or, given
   * {@link #TRANSPORT_THREAD}, directly on the transport's thread, serialized by the transport (for listeners that
   * only complete a future and tolerate being called from within another of their callbacks).
   */
  public <Req, Resp> ClientCall<Req, Resp> newCall(
      MethodDescriptor<Req, Resp> method, CallOptions options, Executor callbacks) {
    return new ClientCallImpl<>(this, method, options, callbacks == TRANSPORT_THREAD ? null : callbacks);
  }

  /** Passed to {@link #newCall(MethodDescriptor, CallOptions, Executor)}: no executor, not even a direct one. */
  public static final Executor TRANSPORT_THREAD = Runnable::run;

  /**
   * Whether {@code executor} ran a task on the calling thread before returning, i.e. is direct ({@code
   * Runnable::run}). Probed once per channel with a no-op task: a direct executor's calls then run their callbacks
   * inline when idle instead of queueing each one (see {@link SerializingExecutor#tryEnter}).
   */
  private static boolean runsOnCaller(Executor executor) {
    Thread caller = Thread.currentThread();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    try {
      executor.execute(() -> ranOn.compareAndSet(null, Thread.currentThread()));
    } catch (RuntimeException e) {
      return false; // e.g. rejected: not direct as far as we can tell
    }
    return ranOn.get() == caller;
  }

  /** The server's version of {@code service}, if known; null otherwise. */
  ServiceVersion knownServerService(String service) {
    return knownServer.get(service);
  }

  /** This client's version of {@code service}, if it made a stub for it; null otherwise. */
  ServiceVersion localService(String service) {
    return localServices.get(service);
  }

  /** Whether calls must carry their service version in metadata (the transport exchanges none at connect). */
  boolean versionsInMetadata() {
    return !serverAnnounced;
  }

  /** A response told the server's version of a service. */
  void learnServerService(ServiceVersion version) {
    knownServer.put(version.name(), version);
  }

  /** The channel's executor for application callbacks. */
  public Executor executor() {
    return executor;
  }

  ClientStream newStream(
      MethodDescriptor<?, ?> method, Metadata headers, Deadline deadline, ClientStreamListener listener) {
    ClientTransport transport = transport();
    if (transport == null) {
      return FailedStream.failed(listener, Status.UNAVAILABLE.withDescription("channel is shut down"));
    }
    return transport.newStream(method, headers, deadline, listener);
  }

  private synchronized ClientTransport transport() {
    if (shutdown) {
      return null;
    }
    if (current == null) {
      ClientTransport t =
          provider != null
              ? provider.newClientTransport(target, options.transport())
              : new NegotiatingTransport(target, negotiationOrder(), options, scheme -> preferred = scheme);
      current = t;
      if (serverServices.isDone()) {
        serverServices = new CompletableFuture<>(); // a new connection learns them anew
      }
      if (ready.isDone()) {
        ready = new CompletableFuture<>();
      }
      live.add(t);
      setState(ConnectionState.CONNECTING);
      t.start(new TransportListener(t));
    }
    return current;
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

  /** Changes the state and tells the listeners, in order: transitions are made under the channel's lock. */
  private synchronized void setState(ConnectionState next) {
    if (state == next || state == ConnectionState.SHUTDOWN) {
      return;
    }
    state = next;
    for (Consumer<ConnectionState> l : stateListeners) {
      try {
        l.accept(next);
      } catch (RuntimeException e) {
        log.warn("connection state listener failed", e);
      }
    }
  }

  @Override
  public ConnectionState state() {
    return state;
  }

  @Override
  public AutoCloseable onStateChange(Consumer<ConnectionState> listener) {
    stateListeners.add(listener);
    return () -> stateListeners.remove(listener);
  }

  @Override
  public String transportScheme() {
    return state == ConnectionState.READY ? transportScheme : null;
  }

  @Override
  public CompletableFuture<Void> connectNow() {
    synchronized (this) {
      if (transport() == null) {
        return CompletableFuture.failedFuture(Status.UNAVAILABLE.withDescription("channel is shut down").asException());
      }
      return ready.copy();
    }
  }

  private final class TransportListener implements ClientTransport.Listener {
    private final ClientTransport transport;

    TransportListener(ClientTransport transport) {
      this.transport = transport;
    }

    @Override
    public void transportReady() {
      serverServices(List.of()); // a transport that announced nothing: nothing is known
      CompletableFuture<Void> nowReady;
      synchronized (ChannelImpl.this) {
        if (current != transport) {
          return;
        }
        transportScheme = provider != null ? target.getScheme() : preferred;
        nowReady = ready;
        setState(ConnectionState.READY);
      }
      nowReady.complete(null); // after the state: whoever waited sees READY
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
    public void transportShutdown(Status reason) {
      CompletableFuture<Void> notReady;
      synchronized (ChannelImpl.this) {
        if (current != transport) {
          return;
        }
        current = null; // the next call opens a new connection
        serverServices.completeExceptionally(reason.asException());
        knownServer.clear(); // the next connection may reach another version of the server
        // lost before it was ready: a failure to connect; after: an idle channel that reconnects on demand
        notReady = ready;
        setState(ready.isDone() ? ConnectionState.IDLE : ConnectionState.TRANSIENT_FAILURE);
      }
      notReady.completeExceptionally(reason.asException()); // after the state: whoever waited sees it
    }

    @Override
    public void transportTerminated() {
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
    ClientTransport t;
    synchronized (this) {
      shutdown = true;
      t = current;
      current = null;
      ready.completeExceptionally(Status.UNAVAILABLE.withDescription("channel shut down").asException());
    }
    setState(ConnectionState.SHUTDOWN);
    if (t != null) {
      t.shutdown(Status.UNAVAILABLE.withDescription("channel shut down"));
    }
    checkTerminated();
  }

  @Override
  public void shutdownNow() {
    shutdown();
    for (ClientTransport t : live) {
      t.shutdownNow(Status.UNAVAILABLE.withDescription("channel shut down"));
    }
    checkTerminated();
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
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
