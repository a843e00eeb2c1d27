package dev.typedrpc.internal;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/** Small pieces shared by the runtime's publishers and subscribers. */
public final class Subscriptions {
  private Subscriptions() {}

  /** A subscription that does nothing: for a subscriber that is failed or completed at once. */
  public static final Flow.Subscription NOOP =
      new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      };

  /**
   * Adds {@code n} to a demand counter, capping at {@link Long#MAX_VALUE} (unbounded, rule 3.17).
   */
  public static long add(AtomicLong requested, long n) {
    return requested.getAndAccumulate(
        n, (current, more) -> current + more < 0 ? Long.MAX_VALUE : current + more);
  }

  /** The error for {@code request(n)} with {@code n <= 0} (Reactive Streams rule 3.9). */
  public static IllegalArgumentException invalidRequest(long n) {
    return new IllegalArgumentException(
        "request(" + n + "): n must be positive (Reactive Streams rule 3.9)");
  }
}
