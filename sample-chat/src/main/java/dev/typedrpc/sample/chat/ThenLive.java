package dev.typedrpc.sample.chat;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Supplier;

/**
 * A stream of some events read first ({@code first}, loaded when a subscriber comes), then those of
 * another publisher ({@code then}, subscribed to once the first are delivered), as one subscription
 * that honours the subscriber's demand throughout. Holds only what {@code first} loaded. The first
 * events are delivered from the common pool (or the thread asking for them), never from the thread
 * that loaded them.
 */
final class ThenLive<T> implements Flow.Publisher<T> {
  private final Supplier<? extends CompletionStage<List<T>>> first;
  private final Supplier<? extends Flow.Publisher<T>> then;

  ThenLive(
      Supplier<? extends CompletionStage<List<T>>> first,
      Supplier<? extends Flow.Publisher<T>> then) {
    this.first = first;
    this.then = then;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    Sub<T> s = new Sub<>(subscriber, then);
    subscriber.onSubscribe(s);
    first
        .get()
        .whenCompleteAsync( // not on the thread that loaded: it may be needed downstream
            (items, failure) -> {
              if (failure != null) {
                s.fail(failure);
              } else {
                s.loaded(items);
              }
            });
  }

  private static final class Sub<T> implements Flow.Subscription {
    private final Flow.Subscriber<? super T> downstream;
    private final Supplier<? extends Flow.Publisher<T>> then;
    private List<T> items; // guarded by this: null until loaded
    private int next; // guarded by this
    private long demand; // guarded by this
    private boolean emitting; // guarded by this
    private boolean switched; // guarded by this: the first events are delivered
    private boolean ended; // guarded by this: cancelled or failed
    private Flow.Subscription live; // guarded by this

    Sub(Flow.Subscriber<? super T> downstream, Supplier<? extends Flow.Publisher<T>> then) {
      this.downstream = downstream;
      this.then = then;
    }

    void loaded(List<T> loaded) {
      synchronized (this) {
        items = loaded;
      }
      drain();
    }

    void fail(Throwable failure) {
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
      }
      downstream.onError(
          failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
              ? failure.getCause()
              : failure);
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancel();
        downstream.onError(new IllegalArgumentException("request " + n + ": must be positive"));
        return;
      }
      Flow.Subscription l;
      synchronized (this) {
        l = live;
        if (l == null) {
          demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        }
      }
      if (l != null) {
        l.request(n);
      } else {
        drain();
      }
    }

    @Override
    public void cancel() {
      Flow.Subscription l;
      synchronized (this) {
        ended = true;
        l = live;
      }
      if (l != null) {
        l.cancel();
      }
    }

    /** Delivers the loaded events as far as the demand goes; then switches to the live ones. */
    private void drain() {
      while (true) {
        T item;
        synchronized (this) {
          if (emitting || ended || switched || items == null) {
            return;
          }
          if (next == items.size()) {
            switched = true;
            items = List.of();
            break;
          }
          if (demand == 0) {
            return;
          }
          item = items.get(next++);
          demand--;
          emitting = true;
        }
        downstream.onNext(item);
        synchronized (this) {
          emitting = false;
        }
      }
      then.get().subscribe(new Live());
    }

    private final class Live implements Flow.Subscriber<T> {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        long wanted;
        boolean cancelled;
        synchronized (Sub.this) {
          live = s;
          wanted = demand;
          demand = 0;
          cancelled = ended;
        }
        if (cancelled) {
          s.cancel();
        } else if (wanted > 0) {
          s.request(wanted);
        }
      }

      @Override
      public void onNext(T item) {
        downstream.onNext(item);
      }

      @Override
      public void onError(Throwable t) {
        downstream.onError(t);
      }

      @Override
      public void onComplete() {
        downstream.onComplete();
      }
    }
  }
}
