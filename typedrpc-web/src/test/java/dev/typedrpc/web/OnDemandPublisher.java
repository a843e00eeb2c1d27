package dev.typedrpc.web;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Emits {@code limit} items, each made only when the subscriber has asked for it, and counts what
 * it made: a stream that outran its reader's credit would show it. One subscriber.
 */
final class OnDemandPublisher<T> implements Flow.Publisher<T> {
  private final long limit;
  private final LongFunction<T> item;
  final AtomicLong produced = new AtomicLong();

  OnDemandPublisher(long limit, LongFunction<T> item) {
    this.limit = limit;
    this.item = item;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    AtomicLong demand = new AtomicLong();
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicBoolean draining = new AtomicBoolean();
    subscriber.onSubscribe(
        new Flow.Subscription() {
          @Override
          public void request(long n) {
            if (n <= 0) {
              cancelled.set(true);
              subscriber.onError(new IllegalArgumentException("request(" + n + ")"));
              return;
            }
            demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            drain();
          }

          @Override
          public void cancel() {
            cancelled.set(true);
          }

          private void drain() {
            // one thread emits at a time; a request made meanwhile is picked up by the loop
            while (draining.compareAndSet(false, true)) {
              try {
                while (!cancelled.get() && demand.get() > 0 && produced.get() < limit) {
                  demand.decrementAndGet();
                  subscriber.onNext(item.apply(produced.getAndIncrement()));
                }
                if (!cancelled.get() && produced.get() >= limit) {
                  cancelled.set(true);
                  subscriber.onComplete();
                }
              } finally {
                draining.set(false);
              }
              if (cancelled.get() || demand.get() == 0 || produced.get() >= limit) {
                return;
              }
            }
          }
        });
  }
}
