package dev.typedrpc.presence.internal;

import java.util.concurrent.Flow;

/** A publisher's items unchanged, running an action once when they end, however they end. */
public final class ClosingPublisher<T> implements Flow.Publisher<T> {
  private final Flow.Publisher<T> source;
  private final Runnable action;

  public ClosingPublisher(Flow.Publisher<T> source, Runnable action) {
    this.source = source;
    this.action = action;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    source.subscribe(
        new Flow.Subscriber<T>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscriber.onSubscribe(
                new Flow.Subscription() {
                  @Override
                  public void request(long n) {
                    subscription.request(n);
                  }

                  @Override
                  public void cancel() {
                    action.run();
                    subscription.cancel();
                  }
                });
          }

          @Override
          public void onNext(T item) {
            subscriber.onNext(item);
          }

          @Override
          public void onError(Throwable error) {
            action.run();
            subscriber.onError(error);
          }

          @Override
          public void onComplete() {
            action.run();
            subscriber.onComplete();
          }
        });
  }
}
