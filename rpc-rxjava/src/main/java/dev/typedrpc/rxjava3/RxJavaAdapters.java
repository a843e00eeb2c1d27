package dev.typedrpc.rxjava3;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.CompletableObserver;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.core.SingleObserver;
import io.reactivex.rxjava3.disposables.Disposable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.function.Supplier;
import org.reactivestreams.FlowAdapters;

/**
 * Converts between RxJava 3's types and the runtime's {@link Flow.Publisher} and {@link
 * CompletableFuture}; code generated for methods that use {@link Flowable}, {@link Single} or
 * {@link Completable} calls these. Backpressure and cancellation pass through: a {@code Flowable}
 * subscriber's {@code request(n)} becomes the call's credit, disposing cancels the call, and a
 * {@code Single}/{@code Completable} starts its call when subscribed to, once per subscription.
 */
public final class RxJavaAdapters {
  private RxJavaAdapters() {}

  /**
   * A stream of a call (or of a server's requests) as a {@link Flowable}; each subscription is one
   * call.
   */
  public static <T> Flowable<T> flowable(Flow.Publisher<T> publisher) {
    return Flowable.fromPublisher(FlowAdapters.toPublisher(publisher));
  }

  /** A call with one response as a lazy {@link Single}; disposing cancels the call. */
  public static <T> Single<T> single(Supplier<CompletableFuture<T>> call) {
    return Single.create(
        emitter -> {
          CompletableFuture<T> future = call.get();
          emitter.setCancellable(() -> future.cancel(false));
          var unused =
              future.whenComplete(
                  (value, error) -> {
                    if (error != null) {
                      emitter.tryOnError(unwrap(error));
                    } else if (value == null) {
                      emitter.tryOnError(
                          new NullPointerException(
                              "the call returned no value: declare Completable"));
                    } else {
                      emitter.onSuccess(value);
                    }
                  });
        });
  }

  /** A call with an empty response as a lazy {@link Completable}; disposing cancels the call. */
  public static Completable completable(Supplier<CompletableFuture<Void>> call) {
    return Completable.create(
        emitter -> {
          CompletableFuture<Void> future = call.get();
          emitter.setCancellable(() -> future.cancel(false));
          var unused =
              future.whenComplete(
                  (value, error) -> {
                    if (error != null) {
                      emitter.tryOnError(unwrap(error));
                    } else {
                      emitter.onComplete();
                    }
                  });
        });
  }

  /** An implementation's (or a client's request) {@link Flowable} as the runtime's publisher. */
  public static <T> Flow.Publisher<T> toFlow(Flowable<T> flowable) {
    if (flowable == null) {
      throw new NullPointerException("the method returned a null Flowable");
    }
    return FlowAdapters.toFlowPublisher(flowable);
  }

  /**
   * An implementation's {@link Single} as a future; cancelling the future disposes the
   * subscription.
   */
  public static <T> CompletableFuture<T> toFuture(Single<T> single) {
    if (single == null) {
      throw new NullPointerException("the method returned a null Single");
    }
    ObserverFuture<T> future = new ObserverFuture<>();
    single.subscribe(future);
    return future;
  }

  /** An implementation's {@link Completable} as a future of no value. */
  public static CompletableFuture<Void> toFuture(Completable completable) {
    if (completable == null) {
      throw new NullPointerException("the method returned a null Completable");
    }
    ObserverFuture<Void> future = new ObserverFuture<>();
    completable.subscribe(future);
    return future;
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  /**
   * The outcome of a {@code Single} or {@code Completable}; cancelling disposes the subscription.
   */
  private static final class ObserverFuture<T> extends CompletableFuture<T>
      implements SingleObserver<T>, CompletableObserver {
    private volatile Disposable upstream;

    @Override
    public void onSubscribe(Disposable d) {
      upstream = d;
      if (isDone()) {
        d.dispose();
      }
    }

    @Override
    public void onSuccess(T value) {
      complete(value);
    }

    @Override
    public void onComplete() {
      complete(null);
    }

    @Override
    public void onError(Throwable error) {
      completeExceptionally(error);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      Disposable d = upstream;
      if (cancelled && d != null) {
        d.dispose();
      }
      return cancelled;
    }
  }
}
