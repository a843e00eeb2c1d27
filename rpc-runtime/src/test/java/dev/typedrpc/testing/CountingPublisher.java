package dev.typedrpc.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * A publisher that produces up to {@code limit} items only when asked, counting what it emitted and
 * what it was asked for, so a test can assert that a consumer's backpressure reaches it. Handles
 * re-entrant {@code request} calls without recursion (Reactive Streams rule 3.3).
 */
public final class CountingPublisher<T> implements Flow.Publisher<T> {
  private final long limit;
  private final LongFunction<T> item;
  public final AtomicLong emitted = new AtomicLong();
  public final AtomicLong requested = new AtomicLong();
  public final CountDownLatch cancelled = new CountDownLatch(1);

  public CountingPublisher(long limit, LongFunction<T> item) {
    this.limit = limit;
    this.item = item;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    subscriber.onSubscribe(
        new Flow.Subscription() {
          private long demand;
          private boolean emitting;
          private boolean done;

          @Override
          public synchronized void request(long n) {
            requested.addAndGet(n);
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            if (emitting) {
              return;
            }
            emitting = true;
            while (demand > 0 && !done && emitted.get() < limit) {
              demand--;
              subscriber.onNext(item.apply(emitted.getAndIncrement()));
            }
            if (!done && emitted.get() == limit) {
              done = true;
              subscriber.onComplete();
            }
            emitting = false;
          }

          @Override
          public synchronized void cancel() {
            done = true;
            cancelled.countDown();
          }
        });
  }
}
