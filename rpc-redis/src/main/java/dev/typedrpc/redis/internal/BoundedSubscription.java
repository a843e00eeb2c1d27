package dev.typedrpc.redis.internal;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One subscriber's queue of items, delivered as it asks, holding at most {@code capacity}: an item
 * beyond that fails the subscriber with what {@code overflow} supplies instead of being buffered.
 * Delivery is serialised and never recursive. Thread-safe.
 */
public final class BoundedSubscription<T> implements Flow.Subscription {
  private final Flow.Subscriber<? super T> subscriber;
  private final int capacity;
  private final Supplier<? extends Throwable> overflow;
  private final Runnable onEnd;
  private final ArrayDeque<T> queue = new ArrayDeque<>(); // guarded by this
  private final AtomicInteger wip = new AtomicInteger();
  private long demand; // guarded by this
  private boolean started; // guarded by this
  private boolean ended; // guarded by this
  private boolean finishing; // guarded by this
  private Throwable error; // guarded by this

  /**
   * @param onEnd runs once when the subscriber cancels or is terminated
   */
  public BoundedSubscription(
      Flow.Subscriber<? super T> subscriber,
      int capacity,
      Supplier<? extends Throwable> overflow,
      Runnable onEnd) {
    this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
    this.capacity = capacity;
    this.overflow = overflow;
    this.onEnd = onEnd;
  }

  /** Calls {@code onSubscribe} and starts delivery. */
  public void start() {
    subscriber.onSubscribe(this);
    synchronized (this) {
      started = true;
    }
    drain();
  }

  /** Queues and delivers {@code item}, or fails the subscriber if its queue is full. */
  public void offer(T item) {
    boolean full;
    synchronized (this) {
      if (ended || finishing) {
        return;
      }
      full = queue.size() >= capacity;
      if (!full) {
        queue.add(item);
      }
    }
    if (full) {
      finish(overflow.get());
    } else {
      drain();
    }
  }

  /** Completes ({@code error} null) or fails the subscriber, dropping what it has not taken. */
  public void finish(Throwable error) {
    synchronized (this) {
      if (ended || finishing) {
        return;
      }
      finishing = true;
      this.error = error;
      queue.clear();
    }
    drain();
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      finish(new IllegalArgumentException("request(n) needs n > 0 (Reactive Streams rule 3.9)"));
      return;
    }
    synchronized (this) {
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    }
    drain();
  }

  @Override
  public void cancel() {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      queue.clear();
    }
    onEnd.run();
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    while (true) {
      while (true) {
        T next = null;
        Throwable failure = null;
        boolean terminate = false;
        synchronized (this) {
          if (ended) {
            queue.clear();
            break;
          }
          if (!started) {
            break;
          }
          if (finishing) {
            ended = true;
            terminate = true;
            failure = error;
          } else if (demand > 0 && !queue.isEmpty()) {
            next = queue.poll();
            demand--;
          } else {
            break;
          }
        }
        if (terminate) {
          onEnd.run();
          if (failure != null) {
            subscriber.onError(failure);
          } else {
            subscriber.onComplete();
          }
          break;
        }
        subscriber.onNext(next);
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }
}
