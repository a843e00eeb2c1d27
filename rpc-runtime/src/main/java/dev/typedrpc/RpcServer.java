package dev.typedrpc;

import dev.typedrpc.internal.Executors2;
import dev.typedrpc.internal.Registries;
import dev.typedrpc.internal.ServerImpl;
import dev.typedrpc.internal.StaticResources;
import dev.typedrpc.internal.VirtualThreads;
import dev.typedrpc.spi.ServerTransport;
import dev.typedrpc.spi.TransportEvents;
import dev.typedrpc.spi.TransportSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves service implementations on one or more transports. Thread-safe once started.
 *
 * <pre>{@code
 * RpcServer server = RpcServer.builder()
 *     .listen(URI.create("ws://127.0.0.1:7070/rpc"))
 *     .addService(ChatServiceRpc.bind(new ChatServer()))
 *     .build()
 *     .start();
 * server.awaitTermination();
 * }</pre>
 */
public final class RpcServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RpcServer.class);

  private final List<URI> listenUris;
  private final List<ServerServiceDefinition> services;
  private final List<ServerInterceptor> interceptors;
  private final Executor executor;
  private final TransportSettings settings;
  private final Duration drainTimeout;
  private final List<Runnable> shutdownActions;
  private final TransportEvents transportEvents;
  private final ServerImpl router;
  private final List<ServerTransport> transports = new ArrayList<>();
  private final List<URI> addresses = new ArrayList<>();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private boolean started;
  private boolean shuttingDown;

  private RpcServer(Builder b) {
    this.listenUris = List.copyOf(b.listen);
    this.services = List.copyOf(b.services);
    this.interceptors = List.copyOf(b.interceptors);
    this.executor = b.executor == null ? Executors2.sharedCallbackExecutor() : b.executor;
    this.settings = b.settings;
    this.drainTimeout = b.drainTimeout;
    this.shutdownActions = List.copyOf(b.shutdownActions);
    this.transportEvents = b.transportEvents;
    // routes are made here, so that a misconfiguration (a method that needs roles on a server that
    // authenticates no call) fails build(), not start()
    this.router = new ServerImpl(services, executor, interceptors);
    router.transportEvents(transportEvents);
    router.staticResources(b.staticResources);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Binds every listen address and starts serving. */
  public synchronized RpcServer start() throws IOException {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    try {
      for (URI uri : listenUris) {
        ServerTransport t = Registries.transport(uri.getScheme()).newServerTransport(uri, settings);
        t.start(router);
        transports.add(t);
        addresses.add(withPort(uri, t.localAddress()));
      }
    } catch (IOException | RuntimeException e) {
      shutdownNow();
      throw e;
    }
    return this;
  }

  private static URI withPort(URI uri, InetSocketAddress bound) {
    if (uri.getPort() != 0) {
      return uri;
    }
    try {
      return new URI(
          uri.getScheme(),
          uri.getUserInfo(),
          uri.getHost(),
          bound.getPort(),
          uri.getPath(),
          null,
          null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first listen address, with the real port if it was 0. */
  public synchronized URI address() {
    return addresses.get(0);
  }

  /** Every listen address, with real ports. */
  public synchronized List<URI> addresses() {
    return List.copyOf(addresses);
  }

  /**
   * Drains the server: stops accepting connections and sends every connection GOAWAY (clients send
   * new calls elsewhere; a call that reached the server after the GOAWAY is refused unprocessed,
   * and the client retries it transparently); calls in progress finish, for at most the {@linkplain
   * Builder#drainTimeout drain timeout}, after which those still open end as with {@link
   * #shutdownNow()}; then the server terminates. Idempotent; does not wait (see {@link
   * #awaitTermination}).
   */
  public synchronized void shutdown() {
    if (shuttingDown) {
      return;
    }
    shuttingDown = true;
    for (Runnable action : shutdownActions) {
      try {
        action.run();
      } catch (RuntimeException e) {
        log.warn("shutdown action {} failed; the server drains anyway", action, e);
      }
    }
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (ServerTransport t : transports) {
      all.add(t.shutdown());
    }
    var unused =
        CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
            .whenComplete((v, e) -> terminated.complete(null));
    if (!terminated.isDone()) {
      ScheduledFuture<?> drainDeadline =
          Executors2.timers()
              .schedule(this::shutdownNow, drainTimeout.toNanos(), TimeUnit.NANOSECONDS);
      var unusedCancel = terminated.whenComplete((v, e) -> drainDeadline.cancel(false));
    }
  }

  /** Closes every connection; calls in progress end with {@code UNAVAILABLE}. */
  public synchronized void shutdownNow() {
    for (ServerTransport t : transports) {
      t.shutdownNow();
    }
    shutdown();
  }

  /** Waits until the server terminated; returns whether it did within {@code timeout}. */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    try {
      terminated.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  /** Waits until the server terminated. */
  public void awaitTermination() throws InterruptedException {
    try {
      terminated.get();
    } catch (ExecutionException e) {
      // terminated anyway
    }
  }

  /**
   * {@link #shutdown()}, waiting for calls to finish until the drain timeout, then {@link
   * #shutdownNow()}.
   */
  @Override
  public void close() {
    shutdown();
    try {
      if (!awaitTermination(drainTimeout.plusSeconds(1))) {
        shutdownNow();
        awaitTermination(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Configures a server. Not thread-safe. */
  public static final class Builder {
    /** The default {@link #drainTimeout}: 5 s. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final List<URI> listen = new ArrayList<>();
    private final List<ServerServiceDefinition> services = new ArrayList<>();
    private final List<ServerInterceptor> interceptors = new ArrayList<>();
    private TransportEvents transportEvents = TransportEvents.NONE;
    private Executor executor;
    private TransportSettings settings = TransportSettings.DEFAULT;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private final List<Runnable> shutdownActions = new ArrayList<>();
    private StaticResources staticResources;

    private Builder() {}

    /**
     * Also serves the files under the class-path directory {@code directory} (e.g. {@code web}, as
     * packed in the application's jar) over plain HTTP on the listen port: a {@code GET} or {@code
     * HEAD} of a path that is no RPC endpoint gets the file at that path under {@code directory}
     * ({@code /} and paths ending in {@code /}: their {@code index.html}), with its {@code
     * Content-Type} by file extension, an {@code ETag} ({@code 304} for a matching {@code
     * If-None-Match}) and {@code Cache-Control: no-cache}; any other path {@code 404}. Paths with
     * {@code ..}, {@code %}, backslashes, empty or dot-first segments are never looked up; files
     * over 8 MiB are not served. Served by the transports that speak HTTP/1.1 ({@code ws}, {@code
     * sse}, and {@code h2c}/{@code h2} ports for HTTP/1.1 clients); see {@code docs/WEB.md}. Off by
     * default.
     */
    public Builder staticResources(String directory) {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      this.staticResources =
          new StaticResources(
              directory, loader != null ? loader : RpcServer.class.getClassLoader());
      return this;
    }

    /**
     * Runs {@code action} once, when the server starts draining: on the thread calling {@link
     * RpcServer#shutdown()} or {@code close()}, before connections are told to go away, while calls
     * in progress still run (on the first {@code shutdownNow()} too, after the connections closed).
     * For services that report the drain, e.g. a health service turning {@code NOT_SERVING}. It
     * should be quick; an exception it throws is logged and the server drains anyway. Actions run
     * in the order they were added.
     */
    public Builder onShutdown(Runnable action) {
      shutdownActions.add(Objects.requireNonNull(action, "action"));
      return this;
    }

    /**
     * How long {@link RpcServer#shutdown()} lets calls in progress finish: calls still open then
     * end with {@code UNAVAILABLE} on the client ({@code CANCELLED} for the implementation), and
     * the connections close. Default {@link #DEFAULT_DRAIN_TIMEOUT} (5 s).
     */
    public Builder drainTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("drainTimeout must not be negative: " + timeout);
      }
      this.drainTimeout = timeout;
      return this;
    }

    /**
     * Listens at {@code uri}, e.g. {@code ws://127.0.0.1:7070/rpc} (port 0 picks a free one) or
     * {@code mem:chat}.
     */
    public Builder listen(URI uri) {
      listen.add(uri);
      return this;
    }

    public Builder listen(String uri) {
      return listen(URI.create(uri));
    }

    /** Serves a bound service, e.g. {@code ChatServiceRpc.bind(impl)}. */
    public Builder addService(ServerServiceDefinition service) {
      services.add(service);
      return this;
    }

    /**
     * Puts {@code interceptors} around every call of the server, after any added before and before
     * those of services and methods (see {@link ServerInterceptor} for the order).
     */
    public Builder intercept(ServerInterceptor... interceptors) {
      for (ServerInterceptor i : interceptors) {
        this.interceptors.add(Objects.requireNonNull(i, "interceptor"));
      }
      return this;
    }

    /**
     * Where the transports report connections opening and closing (for metrics such as open
     * connections per transport); none by default.
     */
    public Builder transportEvents(TransportEvents events) {
      this.transportEvents = Objects.requireNonNull(events, "events");
      return this;
    }

    /** Serves {@code impl} through the generated code found for {@code serviceInterface}. */
    public <T> Builder addService(Class<T> serviceInterface, T impl) {
      return addService(Registries.service(serviceInterface).bind(impl));
    }

    /**
     * Where implementations run; default: a shared pool of cached daemon threads. Each call's
     * events run in order; different calls run concurrently.
     */
    public Builder executor(Executor executor) {
      this.executor = executor;
      return this;
    }

    /**
     * Runs implementations on virtual threads (Java 21 or later), one per batch of a call's events:
     * for implementations that block (JDBC, blocking HTTP clients, locks) without a pool that caps
     * concurrency or grows a platform thread per waiting call. Each call's events still run in
     * order. On Java 21 to 23 a thread that blocks inside {@code synchronized} holds its carrier
     * thread; Java 24 and later do not. Replaces {@link #executor(Executor)}.
     *
     * @throws UnsupportedOperationException on Java 17 to 20
     */
    public Builder virtualThreads() {
      this.executor = VirtualThreads.executor("typedrpc-call-");
      return this;
    }

    public Builder transportSettings(TransportSettings settings) {
      this.settings = settings;
      return this;
    }

    /**
     * The server, not started yet.
     *
     * @throws IllegalStateException without a listen address or a service, or if a method declares
     *     roles ({@code @RolesAllowed}) and no interceptor of the server or its service
     *     authenticates calls ({@code dev.typedrpc.auth.Authentication})
     */
    public RpcServer build() {
      if (listen.isEmpty()) {
        throw new IllegalStateException("no listen address: call listen(URI) at least once");
      }
      if (services.isEmpty()) {
        throw new IllegalStateException("no services: call addService(...) at least once");
      }
      return new RpcServer(this);
    }
  }
}
