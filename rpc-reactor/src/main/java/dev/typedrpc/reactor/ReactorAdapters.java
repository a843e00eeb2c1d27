package dev.typedrpc.reactor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Supplier;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Converts between Reactor's types and the runtime's {@link Flow.Publisher} and {@link
 * CompletableFuture}; code generated for methods that use {@link Flux} or {@link Mono} calls these.
 * Backpressure and cancellation pass through unchanged: a subscriber's {@code request(n)} becomes
 * the call's credit, cancelling a subscription cancels the call, and a {@code Mono} starts its call
 * when subscribed to, once per subscription.
 */
public final class ReactorAdapters {
  private ReactorAdapters() {}

  /**
   * A stream of a call (or of a server's requests) as a {@link Flux}; each subscription is one
   * call.
   */
  public static <T> Flux<T> flux(Flow.Publisher<T> publisher) {
    return JdkFlowAdapter.flowPublisherToFlux(publisher);
  }

  /**
   * A call with one response as a lazy {@link Mono}: {@code call} starts it on each subscription,
   * and cancelling the subscription cancels it. A response that is empty ({@code Void}) completes
   * the {@code Mono} empty.
   */
  public static <T> Mono<T> mono(Supplier<CompletableFuture<T>> call) {
    return Mono.fromFuture(call, false);
  }

  /** An implementation's (or a client's request) {@link Flux} as the runtime's publisher. */
  public static <T> Flow.Publisher<T> toFlow(Flux<T> flux) {
    if (flux == null) {
      throw new NullPointerException("the method returned a null Flux");
    }
    return JdkFlowAdapter.publisherToFlowPublisher(flux);
  }

  /**
   * An implementation's {@link Mono} as a future: subscribed to now; cancelling the future (as the
   * runtime does when the call is cancelled) cancels the subscription. An empty {@code Mono}
   * completes with null.
   */
  public static <T> CompletableFuture<T> toFuture(Mono<T> mono) {
    if (mono == null) {
      throw new NullPointerException("the method returned a null Mono");
    }
    MonoFuture<T> future = new MonoFuture<>();
    mono.subscribe(future);
    return future;
  }

  /** The value of a {@code Mono}; cancelling it cancels the subscription. */
  private static final class MonoFuture<T> extends CompletableFuture<T> implements Subscriber<T> {
    private volatile Subscription subscription;

    @Override
    public void onSubscribe(Subscription s) {
      subscription = s;
      if (isDone()) {
        s.cancel();
      } else {
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(T value) {
      complete(value);
    }

    @Override
    public void onError(Throwable error) {
      completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      complete(null);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      Subscription s = subscription;
      if (cancelled && s != null) {
        s.cancel();
      }
      return cancelled;
    }
  }
}
