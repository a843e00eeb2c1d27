package dev.typedrpc.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** Reactive Streams helpers for tests: a demand-honouring list publisher and a collector. */
public final class Publishers {
  private Publishers() {}

  /** Publishes {@code items}, honouring demand, without recursion when a subscriber requests from onNext. */
  public static <T> Flow.Publisher<T> of(List<T> items) {
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

  /** Collects everything a publisher emits, requesting {@code batch} items at a time (Long.MAX_VALUE: all). */
  public static <T> CompletableFuture<List<T>> collect(Flow.Publisher<T> publisher, long batch) {
    CompletableFuture<List<T>> result = new CompletableFuture<>();
    publisher.subscribe(
        new Flow.Subscriber<T>() {
          private final List<T> items = new ArrayList<>();
          private Flow.Subscription s;
          private long outstanding;

          @Override
          public void onSubscribe(Flow.Subscription s) {
            this.s = s;
            outstanding = batch;
            s.request(batch);
          }

          @Override
          public void onNext(T item) {
            items.add(item);
            if (batch != Long.MAX_VALUE && --outstanding == 0) {
              outstanding = batch;
              s.request(batch);
            }
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            result.complete(List.copyOf(items));
          }
        });
    return result;
  }

  /** Collects everything, asking for all of it at once. */
  public static <T> CompletableFuture<List<T>> collect(Flow.Publisher<T> publisher) {
    return collect(publisher, Long.MAX_VALUE);
  }
}
