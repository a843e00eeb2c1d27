package dev.typedrpc.sample.chat;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Passes a stream through to {@code downstream} and runs {@code onEnd} once when it ends:
 * cancelled, failed or completed.
 */
final class FeedEnd<T> implements Flow.Subscriber<T>, Flow.Subscription {
  private final Flow.Subscriber<? super T> downstream;
  private final Runnable onEnd;
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Flow.Subscription upstream;

  FeedEnd(Flow.Subscriber<? super T> downstream, Runnable onEnd) {
    this.downstream = downstream;
    this.onEnd = onEnd;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    upstream = s;
    downstream.onSubscribe(this);
  }

  @Override
  public void onNext(T item) {
    downstream.onNext(item);
  }

  @Override
  public void onError(Throwable t) {
    end();
    downstream.onError(t);
  }

  @Override
  public void onComplete() {
    end();
    downstream.onComplete();
  }

  @Override
  public void request(long n) {
    upstream.request(n);
  }

  @Override
  public void cancel() {
    upstream.cancel();
    end();
  }

  private void end() {
    if (ended.compareAndSet(false, true)) {
      onEnd.run();
    }
  }
}
