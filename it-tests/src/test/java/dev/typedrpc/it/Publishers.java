package dev.typedrpc.it;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** The runtime test-jar's Reactive Streams helpers, under the names these tests use. */
final class Publishers {
  private Publishers() {}

  /** Publishes {@code items}, honouring demand, without recursion. */
  static <T> Flow.Publisher<T> of(List<T> items) {
    return dev.typedrpc.testing.Publishers.of(items);
  }

  /** Collects everything a publisher emits. */
  static <T> CompletableFuture<List<T>> collect(Flow.Publisher<T> publisher) {
    return dev.typedrpc.testing.Publishers.collect(publisher);
  }
}
