package dev.typedrpc.internal;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * Applies a function to every item of a publisher. Demand and cancellation pass straight through; a
 * function that throws or returns null cancels the source and fails the subscriber, once.
 */
public final class MapPublisher<T, R> implements Flow.Publisher<R> {
  private final Flow.Publisher<T> source;
  private final Function<? super T, ? extends R> mapper;

  public MapPublisher(Flow.Publisher<T> source, Function<? super T, ? extends R> mapper) {
    this.source = Objects.requireNonNull(source, "source");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
  }

  @Override
  public void subscribe(Flow.Subscriber<? super R> subscriber) {
    source.subscribe(new MapSubscriber<>(Objects.requireNonNull(subscriber, "subscriber"), mapper));
  }

  private static final class MapSubscriber<T, R> implements Flow.Subscriber<T> {
    private final Flow.Subscriber<? super R> downstream;
    private final Function<? super T, ? extends R> mapper;
    private Flow.Subscription upstream;
    private boolean done;

    MapSubscriber(Flow.Subscriber<? super R> downstream, Function<? super T, ? extends R> mapper) {
      this.downstream = downstream;
      this.mapper = mapper;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      upstream = subscription;
      downstream.onSubscribe(subscription);
    }

    @Override
    public void onNext(T item) {
      if (done) {
        return;
      }
      R mapped;
      try {
        mapped = Objects.requireNonNull(mapper.apply(item), "the mapper returned null");
      } catch (RuntimeException e) {
        done = true;
        upstream.cancel();
        downstream.onError(e);
        return;
      }
      downstream.onNext(mapped);
    }

    @Override
    public void onError(Throwable error) {
      if (!done) {
        done = true;
        downstream.onError(error);
      }
    }

    @Override
    public void onComplete() {
      if (!done) {
        done = true;
        downstream.onComplete();
      }
    }
  }
}
