package dev.typedrpc.auth;

import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.auth.internal.RateLimiter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-principal rate limits as a server interceptor: token buckets for each principal's calls and
 * for its calls of chosen methods, and a cap on each principal's calls in flight. A call beyond a
 * limit fails with {@code RESOURCE_EXHAUSTED} before the implementation runs, with the trailer
 * {@value #PUSHBACK_TRAILER} saying after how many milliseconds a retry may succeed (gRPC's retry
 * pushback, which gRPC clients with a retry policy that retries {@code RESOURCE_EXHAUSTED} obey).
 *
 * <pre>{@code
 * RpcServer.builder()
 *     .intercept(Authentication.required(authenticator), // first: the limits key on the principal
 *         RateLimits.builder()
 *             .perPrincipal(100, Duration.ofSeconds(1))   // bursts of 100, 100 a second sustained
 *             .perMethod(ChatService.SEND, 5, Duration.ofSeconds(1))
 *             .maxConcurrentCallsPerPrincipal(20)
 *             .build())
 * }</pre>
 *
 * <p>Anonymous calls are limited per client address (the host of {@code RpcContext.peer()}); behind
 * a proxy that is the proxy's. Memory is bounded: a bucket is forgotten once it is full again (it
 * would behave as a new one), and at most {@link Builder#maxTrackedPrincipals} buckets of each kind
 * are kept, the least recently used forgotten first (that principal's bucket starts full again).
 */
public final class RateLimits {
  /** The trailer naming the milliseconds after which a retry may succeed (gRPC's A6 pushback). */
  public static final String PUSHBACK_TRAILER = "grpc-retry-pushback-ms";

  private RateLimits() {}

  public static Builder builder() {
    return new Builder();
  }

  private record Rate(long permits, Duration period) {}

  /** Configures {@link RateLimits}; at least one limit. Not thread-safe. */
  public static final class Builder {
    private long principalPermits;
    private Duration principalPeriod;
    private final Map<String, Rate> methods = new LinkedHashMap<>();
    private int maxConcurrent;
    private int maxTracked = 100_000;

    private Builder() {}

    /**
     * Each principal may make {@code permits} calls per {@code period}, in bursts of up to {@code
     * permits}.
     */
    public Builder perPrincipal(long permits, Duration period) {
      check(permits, period);
      this.principalPermits = permits;
      this.principalPeriod = period;
      return this;
    }

    /**
     * Each principal may call {@code method} {@code permits} times per {@code period}, in bursts of
     * up to {@code permits}; on top of {@link #perPrincipal}.
     */
    public Builder perMethod(MethodDescriptor<?, ?> method, long permits, Duration period) {
      check(permits, period);
      methods.put(method.fullName(), new Rate(permits, period));
      return this;
    }

    /**
     * Each principal may have at most {@code max} calls in flight (started, not yet ended); the
     * next fails with {@code RESOURCE_EXHAUSTED} and a pushback of 1 s.
     */
    public Builder maxConcurrentCallsPerPrincipal(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("max concurrent calls must be at least 1, was " + max);
      }
      this.maxConcurrent = max;
      return this;
    }

    /**
     * Most principals whose buckets are kept, for each limit (default 100,000: a few MiB). Beyond
     * it the least recently used principal's bucket is forgotten.
     */
    public Builder maxTrackedPrincipals(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxTrackedPrincipals must be at least 1, was " + max);
      }
      this.maxTracked = max;
      return this;
    }

    private static void check(long permits, Duration period) {
      if (permits < 1 || period == null || period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException(
            "a rate is at least 1 permit per positive period, was " + permits + " per " + period);
      }
    }

    /** The interceptor; register it after the authentication interceptor. */
    public ServerInterceptor build() {
      if (principalPeriod == null && methods.isEmpty() && maxConcurrent == 0) {
        throw new IllegalStateException("RateLimits needs at least one limit");
      }
      RateLimiter.Builder b = new RateLimiter.Builder(maxTracked, System::nanoTime);
      if (principalPeriod != null) {
        b.perPrincipal(principalPermits, principalPeriod.toNanos());
      }
      methods.forEach((m, r) -> b.perMethod(m, r.permits(), r.period().toNanos()));
      if (maxConcurrent > 0) {
        b.maxConcurrent(maxConcurrent);
      }
      return b.build();
    }
  }
}
