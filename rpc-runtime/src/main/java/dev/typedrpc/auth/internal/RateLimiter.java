package dev.typedrpc.auth.internal;

import dev.typedrpc.CallObserver;
import dev.typedrpc.Metadata;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.Status;
import dev.typedrpc.auth.Principal;
import dev.typedrpc.auth.RateLimits;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The interceptor behind {@link RateLimits}: the method's bucket, then the principal's, then the
 * concurrency cap; a token taken by a bucket is given back when a later check refuses the call.
 */
public final class RateLimiter implements ServerInterceptor {
  /** The pushback for a call refused by the concurrency cap: calls end at their own pace. */
  static final long CONCURRENCY_PUSHBACK_MS = 1000;

  private final LongSupplier clock;
  private final Limit principal; // null: none
  private final Map<String, Limit> methods;
  private final ConcurrencyLimiter concurrency; // null: none

  private RateLimiter(Builder b) {
    this.clock = b.clock;
    this.principal = b.principal;
    this.methods = Map.copyOf(b.methods);
    this.concurrency = b.concurrency;
  }

  /** One rate: a bucket per principal, bounded. */
  static final class Limit {
    final long permits;
    final long periodNanos;
    final BoundedMap<String, TokenBucket> buckets;

    Limit(long permits, long periodNanos, int maxTracked, LongSupplier clock) {
      this.permits = permits;
      this.periodNanos = periodNanos;
      this.buckets = new BoundedMap<>(maxTracked, b -> b.fullAt(clock.getAsLong()));
    }

    TokenBucket bucket(String key, long now) {
      return buckets.get(key, k -> new TokenBucket(permits, periodNanos, now));
    }
  }

  /** Builds a {@link RateLimiter}; the clock is injectable for tests. */
  public static final class Builder {
    private final int maxTracked;
    private final LongSupplier clock;
    private Limit principal;
    private final Map<String, Limit> methods = new HashMap<>();
    private ConcurrencyLimiter concurrency;

    public Builder(int maxTracked, LongSupplier clock) {
      this.maxTracked = maxTracked;
      this.clock = clock;
    }

    public Builder perPrincipal(long permits, long periodNanos) {
      principal = new Limit(permits, periodNanos, maxTracked, clock);
      return this;
    }

    public Builder perMethod(String fullMethodName, long permits, long periodNanos) {
      methods.put(fullMethodName, new Limit(permits, periodNanos, maxTracked, clock));
      return this;
    }

    public Builder maxConcurrent(int max) {
      concurrency = new ConcurrencyLimiter(max);
      return this;
    }

    public RateLimiter build() {
      return new RateLimiter(this);
    }
  }

  /**
   * The key a principal's limits are kept under: its name, or for anonymous calls the client's
   * host.
   */
  static String key(RpcContext call) {
    Principal p = Principal.of(call);
    if (!p.isAnonymous()) {
      return "p:" + p.name();
    }
    String peer = String.valueOf(call.peer());
    int colon = peer.lastIndexOf(':');
    return "a:" + (colon > 0 ? peer.substring(0, colon) : peer);
  }

  @Override
  public CallObserver interceptCall(RpcContext call) {
    String key = key(call);
    long now = clock.getAsLong();
    TokenBucket methodBucket = null;
    Limit methodLimit = methods.get(call.method().fullName());
    if (methodLimit != null) {
      methodBucket = methodLimit.bucket(key, now);
      long wait = methodBucket.tryAcquire(now);
      if (wait > 0) {
        throw exhausted(
            "rate limit of "
                + methodLimit.permits
                + " calls per "
                + millis(methodLimit.periodNanos)
                + " ms to "
                + call.method().fullName()
                + " exceeded",
            millis(wait));
      }
    }
    TokenBucket principalBucket = null;
    if (principal != null) {
      principalBucket = principal.bucket(key, now);
      long wait = principalBucket.tryAcquire(now);
      if (wait > 0) {
        release(methodBucket);
        throw exhausted(
            "rate limit of "
                + principal.permits
                + " calls per "
                + millis(principal.periodNanos)
                + " ms exceeded",
            millis(wait));
      }
    }
    if (concurrency == null) {
      return CallObserver.NONE;
    }
    if (!concurrency.tryAcquire(key)) {
      release(methodBucket);
      release(principalBucket);
      throw exhausted(
          "too many calls in flight (limit " + concurrency.max() + " per caller)",
          CONCURRENCY_PUSHBACK_MS);
    }
    return new CallObserver() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        concurrency.release(key);
      }
    };
  }

  /** Buckets held by every limit together: bounded by the limits times {@code maxTracked}. */
  int trackedBuckets() {
    int n = principal == null ? 0 : principal.buckets.size();
    for (Limit l : methods.values()) {
      n += l.buckets.size();
    }
    return n;
  }

  private static void release(TokenBucket bucket) {
    if (bucket != null) {
      bucket.release();
    }
  }

  private static long millis(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
  }

  private static RpcException exhausted(String description, long pushbackMillis) {
    return new RpcException(
        Status.RESOURCE_EXHAUSTED.withDescription(description),
        Metadata.of(RateLimits.PUSHBACK_TRAILER, Long.toString(pushbackMillis)));
  }
}
