package dev.typedrpc.internal;

import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes the value of a {@link CompletionStage} once it is complete and requested: one item then
 * completion, no item if the value is null, or the failure. Cancelling a subscription does not
 * cancel the stage (other subscribers may share it).
 */
public final class FuturePublisher<T> implements Flow.Publisher<T> {
  private final CompletionStage<? extends T> stage;

  public FuturePublisher(CompletionStage<? extends T> stage) {
    this.stage = Objects.requireNonNull(stage, "stage");
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    FutureSubscription<T> s =
        new FutureSubscription<>(Objects.requireNonNull(subscriber, "subscriber"));
    subscriber.onSubscribe(s);
    stage.whenComplete(s::completed);
  }

  private static final class FutureSubscription<T> implements Flow.Subscription {
    private static final int REQUESTED = 1;
    private static final int COMPLETED = 2;
    private static final int DONE = 4;

    private final Flow.Subscriber<? super T> subscriber;
    private final AtomicInteger state = new AtomicInteger();
    private volatile T value;

    FutureSubscription(Flow.Subscriber<? super T> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        if (state.getAndSet(DONE) != DONE) {
          subscriber.onError(Subscriptions.invalidRequest(n));
        }
        return;
      }
      advance(REQUESTED);
    }

    @Override
    public void cancel() {
      state.set(DONE);
    }

    void completed(T v, Throwable e) {
      if (e != null) {
        // failure needs no demand (rule 1.4)
        if (state.getAndSet(DONE) != DONE) {
          subscriber.onError(
              e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
        }
        return;
      }
      value = v;
      if (v == null) {
        if (state.getAndSet(DONE) != DONE) {
          subscriber.onComplete();
        }
        return;
      }
      advance(COMPLETED);
    }

    private void advance(int flag) {
      int s;
      do {
        s = state.get();
        if ((s & DONE) != 0 || (s & flag) != 0) {
          return;
        }
      } while (!state.compareAndSet(s, s | flag));
      if (((s | flag) & (REQUESTED | COMPLETED)) == (REQUESTED | COMPLETED)
          && state.compareAndSet(REQUESTED | COMPLETED, DONE)) {
        subscriber.onNext(value);
        subscriber.onComplete();
      }
    }
  }
}
