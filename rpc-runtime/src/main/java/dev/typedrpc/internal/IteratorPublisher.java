package dev.typedrpc.internal;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Publishes the items of an iterator, one iterator per subscriber, only as many as requested. A
 * request made from {@code onNext} is honoured by the running loop, not by recursion (Reactive
 * Streams rule 3.3); signals to one subscriber never overlap. {@code onClose} runs once when the
 * subscription ends (completed, failed or cancelled), e.g. to close a {@link
 * java.util.stream.Stream}.
 */
public final class IteratorPublisher<T> implements Flow.Publisher<T> {
  private final Supplier<? extends Iterator<? extends T>> iterators;
  private final Runnable onClose;

  public IteratorPublisher(Supplier<? extends Iterator<? extends T>> iterators, Runnable onClose) {
    this.iterators = Objects.requireNonNull(iterators, "iterators");
    this.onClose = onClose;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    Iterator<? extends T> iterator;
    try {
      iterator = Objects.requireNonNull(iterators.get(), "the iterator");
    } catch (RuntimeException e) {
      subscriber.onSubscribe(Subscriptions.NOOP);
      subscriber.onError(e);
      runOnClose();
      return;
    }
    new IteratorSubscription<>(iterator, subscriber, this::runOnClose).start();
  }

  private void runOnClose() {
    if (onClose != null) {
      onClose.run();
    }
  }

  private static final class IteratorSubscription<T> implements Flow.Subscription {
    private final Iterator<? extends T> iterator;
    private final Flow.Subscriber<? super T> subscriber;
    private final Runnable onClose;
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean cancelled;
    private volatile IllegalArgumentException invalidRequest;

    IteratorSubscription(
        Iterator<? extends T> iterator, Flow.Subscriber<? super T> subscriber, Runnable onClose) {
      this.iterator = iterator;
      this.subscriber = subscriber;
      this.onClose = onClose;
    }

    void start() {
      wip.set(1); // requests made from onSubscribe wait for it to return, then this thread emits
      subscriber.onSubscribe(this);
      drainLoop();
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        invalidRequest = Subscriptions.invalidRequest(n);
      } else {
        Subscriptions.add(requested, n);
      }
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
      if (wip.getAndIncrement() == 0) {
        close(); // no loop is running: close here; a running loop closes when it sees the flag
      }
    }

    private void drain() {
      if (wip.getAndIncrement() == 0) {
        drainLoop();
      }
    }

    /** Emits while there is demand; the caller owns the loop (took {@code wip} from 0). */
    private void drainLoop() {
      int missed = 1;
      do {
        if (cancelled) {
          close();
          return;
        }
        if (invalidRequest != null) {
          terminate(invalidRequest);
          return;
        }
        long wanted = requested.get();
        long emitted = 0;
        while (emitted != wanted) {
          if (cancelled) {
            close();
            return;
          }
          T next;
          try {
            if (!iterator.hasNext()) {
              terminate(null);
              return;
            }
            next =
                Objects.requireNonNull(
                    iterator.next(), "the iterator returned null (Reactive Streams rule 2.13)");
          } catch (RuntimeException e) {
            terminate(e);
            return;
          }
          try {
            subscriber.onNext(next);
          } catch (RuntimeException | Error e) {
            cancelled = true; // the subscriber broke rule 2.13: it gets nothing more
            close();
            throw e;
          }
          emitted++;
        }
        if (!cancelled) {
          try {
            if (!iterator.hasNext()) { // completion needs no demand (rule 1.2)
              terminate(null);
              return;
            }
          } catch (RuntimeException e) {
            terminate(e);
            return;
          }
        }
        if (emitted != 0 && wanted != Long.MAX_VALUE) {
          requested.addAndGet(-emitted);
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }

    private void terminate(Throwable error) {
      cancelled = true;
      close();
      if (error == null) {
        subscriber.onComplete();
      } else {
        subscriber.onError(error);
      }
    }

    private void close() {
      if (closed.compareAndSet(false, true)) {
        onClose.run();
      }
    }
  }
}
