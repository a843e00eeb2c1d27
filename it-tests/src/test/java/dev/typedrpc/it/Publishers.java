package dev.typedrpc.it;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** Small Reactive Streams helpers for the tests. */
final class Publishers {
  private Publishers() {}

  /** Publishes {@code items}, honouring demand, without recursion. */
  static <T> Flow.Publisher<T> of(List<T> items) {
    return subscriber ->
        subscriber.onSubscribe(
            new Flow.Subscription() {
              private int next;
              private long demand;
              private boolean emitting;
              private boolean done;

              @Override
              public synchronized void request(long n) {
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                if (emitting) {
                  return;
                }
                emitting = true;
                while (demand > 0 && next < items.size() && !done) {
                  demand--;
                  subscriber.onNext(items.get(next++));
                }
                if (next == items.size() && !done) {
                  done = true;
                  subscriber.onComplete();
                }
                emitting = false;
              }

              @Override
              public synchronized void cancel() {
                done = true;
              }
            });
  }

  /** Collects everything a publisher emits. */
  static <T> CompletableFuture<List<T>> collect(Flow.Publisher<T> publisher) {
    CompletableFuture<List<T>> result = new CompletableFuture<>();
    publisher.subscribe(
        new Flow.Subscriber<T>() {
          private final List<T> items = new ArrayList<>();

          @Override
          public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(T item) {
            items.add(item);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            result.complete(items);
          }
        });
    return result;
  }
}
