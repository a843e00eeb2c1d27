package dev.typedrpc.bench.echo;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes one item {@code count} times, never more than requested (Reactive Streams rules 1.1,
 * 3.3: the emit loop is not re-entered from {@code onNext}). Each subscription gets its own count.
 */
final class RepeatPublisher<T> implements Flow.Publisher<T> {
  private final T item;
  private final long count;

  RepeatPublisher(T item, long count) {
    this.item = item;
    this.count = count;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Repeat<T> s = new Repeat<>(subscriber, item, count);
    subscriber.onSubscribe(s);
    s.drain(); // count 0 completes at once
  }

  private static final class Repeat<T> implements Flow.Subscription {
    private final Flow.Subscriber<? super T> subscriber;
    private final T item;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private long remaining;
    private volatile boolean done;

    Repeat(Flow.Subscriber<? super T> subscriber, T item, long count) {
      this.subscriber = subscriber;
      this.item = item;
      this.remaining = count;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        done = true;
        subscriber.onError(new IllegalArgumentException("request(" + n + "): rule 3.9"));
        return;
      }
      demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      drain();
    }

    @Override
    public void cancel() {
      done = true;
    }

    /**
     * Emits while there is demand; whoever raises wip from 0 does the work, others only leave a
     * mark.
     */
    void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      do {
        long granted = demand.get();
        long sent = 0;
        while (sent < granted && remaining > 0 && !done) {
          subscriber.onNext(item);
          sent++;
          remaining--;
        }
        if (sent > 0) {
          demand.addAndGet(-sent);
        }
        if (remaining == 0 && !done) {
          done = true;
          subscriber.onComplete();
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }
  }
}
