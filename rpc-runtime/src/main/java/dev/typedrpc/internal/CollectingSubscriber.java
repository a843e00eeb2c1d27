package dev.typedrpc.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Collects every item of a publisher into a list, asking for {@link #BATCH} items at a time (so a
 * remote producer is paced by credit, not flooded). The future completes with the list; cancelling
 * it cancels the subscription.
 */
public final class CollectingSubscriber<T> extends CompletableFuture<List<T>>
    implements Flow.Subscriber<T> {
  static final int BATCH = 256;

  private final List<T> items = new ArrayList<>();
  private volatile Flow.Subscription subscription;
  private long outstanding;
  private boolean done;

  @Override
  public void onSubscribe(Flow.Subscription s) {
    if (subscription != null || isDone()) {
      s.cancel(); // a second subscription (rule 2.5), or the future was cancelled already
      return;
    }
    subscription = s;
    outstanding = BATCH;
    s.request(BATCH);
  }

  @Override
  public void onNext(T item) {
    if (done) {
      return;
    }
    items.add(item);
    if (--outstanding == BATCH / 2) {
      outstanding += BATCH / 2;
      subscription.request(BATCH / 2);
    }
  }

  @Override
  public void onError(Throwable error) {
    if (!done) {
      done = true;
      completeExceptionally(error);
    }
  }

  @Override
  public void onComplete() {
    if (!done) {
      done = true;
      complete(List.copyOf(items));
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    Flow.Subscription s = subscription;
    if (cancelled && s != null) {
      s.cancel();
    }
    return cancelled;
  }
}
