package dev.typedrpc.testing;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Reactive Streams helpers for tests, now thin names for the runtime's {@link
 * dev.typedrpc.Publishers} (kept for tests that use them).
 */
public final class Publishers {
  private Publishers() {}

  /**
   * Publishes {@code items}, honouring demand, without recursion when a subscriber requests from
   * onNext.
   */
  public static <T> Flow.Publisher<T> of(List<T> items) {
    return dev.typedrpc.Publishers.fromIterable(items);
  }

  /** Collects everything a publisher emits (requesting in batches). */
  public static <T> CompletableFuture<List<T>> collect(Flow.Publisher<T> publisher) {
    return dev.typedrpc.Publishers.collectList(publisher);
  }
}
