package dev.typedrpc;

import dev.typedrpc.internal.BlockingIterator;
import dev.typedrpc.internal.CollectingSubscriber;
import dev.typedrpc.internal.FuturePublisher;
import dev.typedrpc.internal.IteratorPublisher;
import dev.typedrpc.internal.MapPublisher;
import dev.typedrpc.internal.Subscriptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Everyday {@link Flow.Publisher}s and ways out of them, so a stream can be produced or consumed
 * without writing a Reactive Streams library. Every publisher here emits only what was requested,
 * answers a request made from {@code onNext} without recursion, signals {@code onError} or {@code
 * onComplete} once, stops after {@code cancel}, and fails the subscriber on {@code request(n <= 0)}
 * (Reactive Streams rules 1.1, 1.7, 3.3, 3.9). For operators beyond these, use Reactor or RxJava
 * (see {@code docs/STREAMS.md}).
 */
public final class Publishers {
  /** Items {@link #toStream(Flow.Publisher)} asks for ahead of its consumer. */
  public static final int DEFAULT_PREFETCH = 32;

  private Publishers() {}

  /** The items of {@code items}, a fresh iteration per subscriber. */
  public static <T> Flow.Publisher<T> fromIterable(Iterable<? extends T> items) {
    Objects.requireNonNull(items, "items");
    return new IteratorPublisher<>(items::iterator, null);
  }

  /**
   * The items of a {@link Stream}, pulled only as requested; the stream is closed when the
   * subscription ends (completed, failed or cancelled). A stream can be consumed once, so the
   * publisher takes one subscriber.
   */
  public static <T> Flow.Publisher<T> fromStream(Stream<? extends T> stream) {
    Objects.requireNonNull(stream, "stream");
    return new IteratorPublisher<T>(stream::iterator, stream::close);
  }

  /** The given items, in order. */
  @SafeVarargs
  public static <T> Flow.Publisher<T> just(T... items) {
    List<T> copy = new ArrayList<>(items.length);
    for (T item : items) {
      copy.add(Objects.requireNonNull(item, "item"));
    }
    return fromIterable(copy);
  }

  /** Completes at once, without items. */
  public static <T> Flow.Publisher<T> empty() {
    return fromIterable(List.of());
  }

  /** Fails every subscriber with {@code error} at once. */
  public static <T> Flow.Publisher<T> error(Throwable error) {
    Objects.requireNonNull(error, "error");
    return subscriber -> {
      subscriber.onSubscribe(Subscriptions.NOOP); // rule 1.9: onSubscribe comes first
      subscriber.onError(error);
    };
  }

  /**
   * The value of {@code stage} once it completes: one item, none if the value is null, or the
   * failure.
   */
  public static <T> Flow.Publisher<T> fromFuture(CompletionStage<? extends T> stage) {
    return new FuturePublisher<>(stage);
  }

  /**
   * {@code source} with {@code mapper} applied to each item; demand and cancellation pass through.
   */
  public static <T, R> Flow.Publisher<R> map(
      Flow.Publisher<T> source, Function<? super T, ? extends R> mapper) {
    return new MapPublisher<>(source, mapper);
  }

  /**
   * Subscribes and collects every item; the future completes with the items in order, or with the
   * failure. Items are requested in batches, so a remote producer is still paced by credit; the
   * list itself grows with the stream, so use this for streams known to be small. Cancelling the
   * future cancels the subscription.
   */
  public static <T> CompletableFuture<List<T>> collectList(Flow.Publisher<T> source) {
    CollectingSubscriber<T> collector = new CollectingSubscriber<>();
    source.subscribe(collector);
    return collector;
  }

  /**
   * Consumes {@code source} from a blocking loop, {@link #DEFAULT_PREFETCH} items ahead. See {@link
   * #toStream(Flow.Publisher, int)}.
   */
  public static <T> Stream<T> toStream(Flow.Publisher<T> source) {
    return toStream(source, DEFAULT_PREFETCH);
  }

  /**
   * Subscribes now and returns the items as a sequential {@link Stream} whose iteration blocks for
   * the next item. At most {@code prefetch} items are requested ahead of the consumer, so a slow
   * consumer slows the producer (over RPC: the server). A failure is thrown from the terminal
   * operation ({@link RpcException} with the call's status for a call). <b>Close the stream</b>
   * (try-with-resources) if you stop early: closing cancels the subscription, and with it the call.
   * An interrupted wait cancels too and throws {@code CANCELLED}.
   */
  public static <T> Stream<T> toStream(Flow.Publisher<T> source, int prefetch) {
    BlockingIterator<T> iterator = new BlockingIterator<>(prefetch);
    source.subscribe(iterator);
    Spliterator<T> spliterator =
        Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL);
    return StreamSupport.stream(spliterator, false).onClose(iterator::close);
  }
}
