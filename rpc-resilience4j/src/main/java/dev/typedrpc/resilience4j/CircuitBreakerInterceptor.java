package dev.typedrpc.resilience4j;

import dev.typedrpc.CallObserver;
import dev.typedrpc.ClientInterceptor;
import dev.typedrpc.Metadata;
import dev.typedrpc.OutgoingCall;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.net.URI;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A client interceptor with a Resilience4j {@link CircuitBreaker} per endpoint: while an endpoint's
 * breaker is open, its calls fail at once with {@code UNAVAILABLE} ("circuit breaker ... is open")
 * and are never sent; when it is half-open, the breaker's permitted calls go out as probes, and
 * their outcome closes or opens it again.
 *
 * <pre>{@code
 * CircuitBreakerInterceptor breakers =
 *     CircuitBreakerInterceptor.of(CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
 *         .failureRateThreshold(50)
 *         .waitDurationInOpenState(Duration.ofSeconds(10))
 *         .build()));
 * RpcChannel channel = RpcChannel.connect(uri, ChannelOptions.DEFAULT.withInterceptors(breakers));
 * }</pre>
 *
 * <p>An endpoint is the authority ({@code host:port}) of the channel's target, or the whole target
 * if it has none: one interceptor may serve several channels, and channels to the same endpoint
 * share its breaker. The breakers live in the given {@link CircuitBreakerRegistry}, named after
 * their endpoint, with its default configuration (for metrics or events, use the registry).
 *
 * <p>A call that closes with one of the failure codes counts as a failure of its endpoint (reported
 * with an {@link RpcException} of its status, which the configuration's exception predicates see);
 * {@code OK} and any other status count as successes (the endpoint answered); a {@code CANCELLED}
 * call that is not a failure code counts as neither (the caller gave up). Calls count with their
 * duration, so the configuration's slow-call settings work too.
 *
 * <p>It sees each call once, however many times it is {@linkplain dev.typedrpc.RetryPolicy retried}
 * or {@linkplain dev.typedrpc.HedgingPolicy hedged}: the call's last status is what counts.
 */
public final class CircuitBreakerInterceptor implements ClientInterceptor {
  /**
   * The statuses that count as failures by default: {@code UNAVAILABLE} (the endpoint cannot be
   * reached, is shutting down or sheds load) and {@code DEADLINE_EXCEEDED} (it did not answer in
   * time). Not {@code INTERNAL} or {@code UNKNOWN}: those are mostly a method failing on some
   * request, which says little about the endpoint and should not cut off its other calls.
   */
  public static final Set<Status.Code> DEFAULT_FAILURE_CODES =
      Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED);

  private final CircuitBreakerRegistry registry;
  private final Set<Status.Code> failureCodes;

  private CircuitBreakerInterceptor(
      CircuitBreakerRegistry registry, Set<Status.Code> failureCodes) {
    this.registry = registry;
    this.failureCodes = failureCodes;
  }

  /** Breakers with Resilience4j's default configuration and {@link #DEFAULT_FAILURE_CODES}. */
  public static CircuitBreakerInterceptor ofDefaults() {
    return of(CircuitBreakerRegistry.of(CircuitBreakerConfig.ofDefaults()));
  }

  /** Breakers from {@code registry}, with {@link #DEFAULT_FAILURE_CODES}. */
  public static CircuitBreakerInterceptor of(CircuitBreakerRegistry registry) {
    return of(registry, DEFAULT_FAILURE_CODES);
  }

  /**
   * Breakers from {@code registry}, where a call that closes with one of {@code failureCodes} (at
   * least one, never {@code OK}) is a failure of its endpoint.
   */
  public static CircuitBreakerInterceptor of(
      CircuitBreakerRegistry registry, Set<Status.Code> failureCodes) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(failureCodes, "failureCodes");
    if (failureCodes.isEmpty()) {
      throw new IllegalArgumentException("failureCodes needs at least one code");
    }
    if (failureCodes.contains(Status.Code.OK)) {
      throw new IllegalArgumentException("OK is not a failure");
    }
    return new CircuitBreakerInterceptor(registry, Set.copyOf(EnumSet.copyOf(failureCodes)));
  }

  /** The endpoint of a channel's target: its authority, or the whole target if it has none. */
  public static String endpoint(URI target) {
    String authority = target.getRawAuthority();
    return authority == null ? target.toString() : authority;
  }

  /** The breaker of the endpoint of {@code target} (made on first use). */
  public CircuitBreaker breaker(URI target) {
    return registry.circuitBreaker(endpoint(target));
  }

  /** The registry the breakers live in. */
  public CircuitBreakerRegistry registry() {
    return registry;
  }

  /** The statuses that count as failures. */
  public Set<Status.Code> failureCodes() {
    return failureCodes;
  }

  @Override
  public CallObserver interceptCall(OutgoingCall call) {
    CircuitBreaker breaker = breaker(call.target());
    if (!breaker.tryAcquirePermission()) {
      throw new RpcException(
          Status.UNAVAILABLE.withDescription(
              "circuit breaker for "
                  + breaker.getName()
                  + " is open ("
                  + breaker.getState()
                  + "): the call was not sent"));
    }
    return new Outcome(breaker, breaker.getCurrentTimestamp());
  }

  /** Reports one call's end to its endpoint's breaker. */
  private final class Outcome implements CallObserver {
    private final CircuitBreaker breaker;
    private final long start;

    Outcome(CircuitBreaker breaker, long start) {
      this.breaker = breaker;
      this.start = start;
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      long duration = breaker.getCurrentTimestamp() - start;
      if (failureCodes.contains(status.code())) {
        breaker.onError(duration, breaker.getTimestampUnit(), new RpcException(status, trailers));
      } else if (status.code() == Status.Code.CANCELLED) {
        breaker.releasePermission();
      } else {
        breaker.onSuccess(duration, breaker.getTimestampUnit());
      }
    }
  }
}
