package dev.typedrpc;

import dev.typedrpc.spi.TransportEvents;
import dev.typedrpc.spi.TransportSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Settings of an {@link RpcChannel}. Immutable.
 *
 * @param transport limits and timeouts of the transport
 * @param executor where response callbacks, futures, subscribers and state listeners run; null
 *     means a shared pool of daemon threads. A direct executor ({@code Runnable::run}) is fastest
 *     but then callbacks must not block (state listeners then run on the shared pool: they are
 *     never called on a transport's thread)
 * @param transportOrder for a {@code typedrpc://host:port/path} target, the transports tried, in
 *     order, until one connects (URI schemes, e.g. {@code ws}, {@code h2c}, {@code sse}); schemes
 *     with no transport on the class path are skipped
 * @param attemptTimeout how long each transport of {@code transportOrder} gets to connect before
 *     the next is tried
 * @param connectionBackoff how long the channel waits between failed attempts to connect
 * @param maxWaitingCalls most {@linkplain CallOptions#withWaitForReady() wait-for-ready} calls that
 *     may wait at once for the channel to become ready; more fail at once with {@code
 *     RESOURCE_EXHAUSTED}
 * @param interceptors run around every call of the channel, in order, before those of the call's
 *     options (see {@link ClientInterceptor})
 * @param transportEvents where the channel reports its connections and failed transport negotiation
 *     attempts, for metrics; {@link TransportEvents#NONE} by default
 * @param retryPolicy how calls of {@code @Idempotent} methods are sent again, unless their {@link
 *     CallOptions#withRetryPolicy} says otherwise; null (the default) for {@link
 *     RetryPolicy#DEFAULT_IDEMPOTENT}; other methods ignore it (see {@link RetryPolicy})
 * @param retryThrottling the token bucket that suppresses retries (and hedged attempts) while many
 *     calls fail, or null for none
 * @param hedgingPolicy how unary calls of {@code @Idempotent} methods are hedged, unless their
 *     {@link CallOptions} have a retry or hedging policy; null (the default) for none; other
 *     methods ignore it. At most one of {@code retryPolicy} and {@code hedgingPolicy} may be set
 *     (see {@link HedgingPolicy})
 * @param loadBalancing how calls are spread over the servers of the target; null (the default): a
 *     target of one address connects to it as before, and a target listing several addresses uses
 *     {@link LoadBalancing#pickFirst()} (see {@link LoadBalancing} and docs/CLIENT.md)
 */
public record ChannelOptions(
    TransportSettings transport,
    Executor executor,
    List<String> transportOrder,
    Duration attemptTimeout,
    ConnectionBackoff connectionBackoff,
    int maxWaitingCalls,
    List<ClientInterceptor> interceptors,
    TransportEvents transportEvents,
    RetryPolicy retryPolicy,
    RetryThrottling retryThrottling,
    HedgingPolicy hedgingPolicy,
    LoadBalancing loadBalancing) {

  /** The default order: WebSocket, then HTTP/2 (gRPC), then Server-Sent Events + POST. */
  public static final List<String> DEFAULT_TRANSPORT_ORDER = List.of("ws", "h2c", "sse");

  /** Default bound on calls waiting for the channel to become ready. */
  public static final int DEFAULT_MAX_WAITING_CALLS = 1024;

  public static final ChannelOptions DEFAULT =
      new ChannelOptions(
          TransportSettings.DEFAULT, null, DEFAULT_TRANSPORT_ORDER, Duration.ofSeconds(5));

  public ChannelOptions {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(connectionBackoff, "connectionBackoff");
    transportOrder = List.copyOf(transportOrder);
    interceptors = List.copyOf(interceptors);
    Objects.requireNonNull(transportEvents, "transportEvents");
    if (transportOrder.isEmpty()) {
      throw new IllegalArgumentException("transportOrder needs at least one scheme");
    }
    if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
      throw new IllegalArgumentException("attemptTimeout must be positive");
    }
    if (maxWaitingCalls < 0) {
      throw new IllegalArgumentException(
          "maxWaitingCalls must not be negative, got " + maxWaitingCalls);
    }
    if (retryPolicy != null && hedgingPolicy != null) {
      throw new IllegalArgumentException(
          "a channel has either a retry policy or a hedging policy, not both");
    }
  }

  /** Options with interceptors, transport events, retries, throttling and hedging. */
  public ChannelOptions(
      TransportSettings transport,
      Executor executor,
      List<String> transportOrder,
      Duration attemptTimeout,
      ConnectionBackoff connectionBackoff,
      int maxWaitingCalls,
      List<ClientInterceptor> interceptors,
      TransportEvents transportEvents,
      RetryPolicy retryPolicy,
      RetryThrottling retryThrottling,
      HedgingPolicy hedgingPolicy) {
    this(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        connectionBackoff,
        maxWaitingCalls,
        interceptors,
        transportEvents,
        retryPolicy,
        retryThrottling,
        hedgingPolicy,
        null);
  }

  /** Options with interceptors, transport events, retries and throttling, without hedging. */
  public ChannelOptions(
      TransportSettings transport,
      Executor executor,
      List<String> transportOrder,
      Duration attemptTimeout,
      ConnectionBackoff connectionBackoff,
      int maxWaitingCalls,
      List<ClientInterceptor> interceptors,
      TransportEvents transportEvents,
      RetryPolicy retryPolicy,
      RetryThrottling retryThrottling) {
    this(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        connectionBackoff,
        maxWaitingCalls,
        interceptors,
        transportEvents,
        retryPolicy,
        retryThrottling,
        null);
  }

  /** Options with interceptors, without transport events or retries. */
  public ChannelOptions(
      TransportSettings transport,
      Executor executor,
      List<String> transportOrder,
      Duration attemptTimeout,
      ConnectionBackoff connectionBackoff,
      int maxWaitingCalls,
      List<ClientInterceptor> interceptors) {
    this(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        connectionBackoff,
        maxWaitingCalls,
        interceptors,
        TransportEvents.NONE,
        null,
        null,
        null);
  }

  /** Options without interceptors. */
  public ChannelOptions(
      TransportSettings transport,
      Executor executor,
      List<String> transportOrder,
      Duration attemptTimeout,
      ConnectionBackoff connectionBackoff,
      int maxWaitingCalls) {
    this(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        connectionBackoff,
        maxWaitingCalls,
        List.of());
  }

  /** Options with gRPC's connection back-off and the default bound on waiting calls. */
  public ChannelOptions(
      TransportSettings transport,
      Executor executor,
      List<String> transportOrder,
      Duration attemptTimeout) {
    this(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        ConnectionBackoff.DEFAULT,
        DEFAULT_MAX_WAITING_CALLS);
  }

  public ChannelOptions withTransport(TransportSettings transport) {
    return new ChannelOptions(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        connectionBackoff,
        maxWaitingCalls,
        interceptors,
        transportEvents,
        retryPolicy,
        retryThrottling,
        hedgingPolicy,
        loadBalancing);
  }

  public ChannelOptions withExecutor(Executor executor) {
    return new ChannelOptions(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        connectionBackoff,
        maxWaitingCalls,
        interceptors,
        transportEvents,
        retryPolicy,
        retryThrottling,
        hedgingPolicy,
        loadBalancing);
  }

  /** The transports a {@code typedrpc://} target negotiates, in order. */
  public ChannelOptions withTransportOrder(List<String> schemes) {
    return new ChannelOptions(
        transport,
        executor,
        schemes,
        attemptTimeout,
        connectionBackoff,
        maxWaitingCalls,
        interceptors,
        transportEvents,
        retryPolicy,
        retryThrottling,
        hedgingPolicy,
        loadBalancing);
  }

  public ChannelOptions withAttemptTimeout(Duration timeout) {
    return new ChannelOptions(
        transport,
        executor,
        transportOrder,
        timeout,
        connectionBackoff,
        maxWaitingCalls,
        interceptors,
        transportEvents,
        retryPolicy,
        retryThrottling,
        hedgingPolicy,
        loadBalancing);
  }

  /** How the channel spaces its attempts to connect after a failure. */
  public ChannelOptions withConnectionBackoff(ConnectionBackoff backoff) {
    return new ChannelOptions(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        backoff,
        maxWaitingCalls,
        interceptors,
        transportEvents,
        retryPolicy,
        retryThrottling,
        hedgingPolicy,
        loadBalancing);
  }

  /** The most wait-for-ready calls that may wait at once for the channel to become ready. */
  public ChannelOptions withMaxWaitingCalls(int max) {
    return new ChannelOptions(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        connectionBackoff,
        max,
        interceptors,
        transportEvents,
        retryPolicy,
        retryThrottling,
        hedgingPolicy,
        loadBalancing);
  }

  /**
   * Runs {@code interceptors} around every call of the channel, after any added before (see {@link
   * ClientInterceptor} for the order).
   */
  public ChannelOptions withInterceptors(ClientInterceptor... interceptors) {
    List<ClientInterceptor> all = new ArrayList<>(this.interceptors);
    for (ClientInterceptor i : interceptors) {
      all.add(Objects.requireNonNull(i, "interceptor"));
    }
    return new ChannelOptions(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        connectionBackoff,
        maxWaitingCalls,
        all,
        transportEvents,
        retryPolicy,
        retryThrottling,
        hedgingPolicy,
        loadBalancing);
  }

  /**
   * Reports the channel's connections opening and closing, and each transport a {@code typedrpc://}
   * target fails to connect with, to {@code events} (for metrics).
   */
  public ChannelOptions withTransportEvents(TransportEvents events) {
    return new ChannelOptions(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        connectionBackoff,
        maxWaitingCalls,
        interceptors,
        events,
        retryPolicy,
        retryThrottling,
        hedgingPolicy,
        loadBalancing);
  }

  /**
   * Sends the channel's calls of {@code @Idempotent} methods again as {@code policy} says (see
   * {@link RetryPolicy}), instead of {@link RetryPolicy#DEFAULT_IDEMPOTENT}; {@link
   * RetryPolicy#NONE} turns their retries off. Calls of other methods are not retried unless the
   * call asks for it; a call's own {@link CallOptions#withRetryPolicy} replaces this one. Replaces
   * a {@linkplain #withHedgingPolicy hedging policy} set before.
   */
  public ChannelOptions withRetryPolicy(RetryPolicy policy) {
    return new ChannelOptions(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        connectionBackoff,
        maxWaitingCalls,
        interceptors,
        transportEvents,
        Objects.requireNonNull(policy, "policy"),
        retryThrottling,
        null,
        loadBalancing);
  }

  /** Throttles the channel's retries with a token bucket (see {@link RetryThrottling}). */
  public ChannelOptions withRetryThrottling(RetryThrottling throttling) {
    return new ChannelOptions(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        connectionBackoff,
        maxWaitingCalls,
        interceptors,
        transportEvents,
        retryPolicy,
        Objects.requireNonNull(throttling, "throttling"),
        hedgingPolicy,
        loadBalancing);
  }

  /**
   * Hedges the channel's unary calls of {@code @Idempotent} methods as {@code policy} says (see
   * {@link HedgingPolicy}); other calls are not hedged, and a call whose {@link CallOptions} have a
   * retry or hedging policy uses its own. Replaces a {@linkplain #withRetryPolicy retry policy} set
   * before: streaming calls of idempotent methods then get {@link RetryPolicy#DEFAULT_IDEMPOTENT}.
   */
  public ChannelOptions withHedgingPolicy(HedgingPolicy policy) {
    return new ChannelOptions(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        connectionBackoff,
        maxWaitingCalls,
        interceptors,
        transportEvents,
        null,
        retryThrottling,
        Objects.requireNonNull(policy, "policy"),
        loadBalancing);
  }

  /**
   * How calls are spread over the target's servers: {@link LoadBalancing#pickFirst()} or {@link
   * LoadBalancing#roundRobin()}, with health checks and a resolver; null for the default (see
   * {@link #loadBalancing()}).
   */
  public ChannelOptions withLoadBalancing(LoadBalancing loadBalancing) {
    return new ChannelOptions(
        transport,
        executor,
        transportOrder,
        attemptTimeout,
        connectionBackoff,
        maxWaitingCalls,
        interceptors,
        transportEvents,
        retryPolicy,
        retryThrottling,
        hedgingPolicy,
        loadBalancing);
  }
}
