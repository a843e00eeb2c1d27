package dev.typedrpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runtime's publishers against the Reactive Streams rules that matter: demand, cancel, one
 * terminal signal.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PublishersTest {

  /** Records every signal; requests nothing unless told. */
  static final class Recorder<T> implements Flow.Subscriber<T> {
    final List<T> items = new ArrayList<>();
    final AtomicInteger terminals = new AtomicInteger();
    Throwable error;
    boolean completed;
    Flow.Subscription subscription;
    long requestFromOnNext;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
    }

    @Override
    public void onNext(T item) {
      assertThat(terminals.get()).as("onNext after a terminal signal").isZero();
      items.add(item);
      if (requestFromOnNext > 0) {
        subscription.request(requestFromOnNext);
      }
    }

    @Override
    public void onError(Throwable t) {
      terminals.incrementAndGet();
      error = t;
    }

    @Override
    public void onComplete() {
      terminals.incrementAndGet();
      completed = true;
    }
  }

  @Test
  void fromIterableEmitsOnlyWhatWasRequested() {
    Recorder<Integer> r = new Recorder<>();
    Publishers.fromIterable(List.of(1, 2, 3, 4, 5)).subscribe(r);
    assertThat(r.items).isEmpty();
    r.subscription.request(2);
    assertThat(r.items).containsExactly(1, 2);
    r.subscription.request(2);
    assertThat(r.items).containsExactly(1, 2, 3, 4);
    assertThat(r.completed).isFalse();
    r.subscription.request(1);
    assertThat(r.items).containsExactly(1, 2, 3, 4, 5);
    assertThat(r.completed).isTrue();
    assertThat(r.terminals.get()).isEqualTo(1);
  }

  @Test
  void requestFromOnNextDoesNotRecurse() {
    Recorder<Integer> r = new Recorder<>();
    r.requestFromOnNext =
        1; // one at a time, from onNext: a recursive publisher would overflow the stack
    Publishers.fromIterable(() -> IntStream.range(0, 200_000).iterator()).subscribe(r);
    r.subscription.request(1);
    assertThat(r.items).hasSize(200_000);
    assertThat(r.completed).isTrue();
  }

  @Test
  void cancelStopsEmittingAndClosesTheStream() {
    AtomicBoolean closed = new AtomicBoolean();
    Recorder<Integer> r = new Recorder<>();
    Publishers.fromStream(Stream.of(1, 2, 3).onClose(() -> closed.set(true))).subscribe(r);
    r.subscription.request(1);
    r.subscription.cancel();
    r.subscription.request(5);
    assertThat(r.items).containsExactly(1);
    assertThat(r.terminals.get()).isZero();
    assertThat(closed).isTrue();
  }

  @Test
  void nonPositiveRequestFailsTheSubscriberOnce() {
    Recorder<Integer> r = new Recorder<>();
    Publishers.just(1, 2).subscribe(r);
    r.subscription.request(0);
    r.subscription.request(1);
    assertThat(r.items).isEmpty();
    assertThat(r.error)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rule 3.9");
    assertThat(r.terminals.get()).isEqualTo(1);
  }

  @Test
  void emptyAndErrorNeedNoDemand() {
    Recorder<Object> empty = new Recorder<>();
    Publishers.empty().subscribe(empty);
    assertThat(empty.completed).isTrue();
    Recorder<Object> failed = new Recorder<>();
    IllegalStateException boom = new IllegalStateException("boom");
    Publishers.error(boom).subscribe(failed);
    assertThat(failed.error).isSameAs(boom);
    assertThat(failed.terminals.get()).isEqualTo(1);
    Recorder<Object> checked = new Recorder<>();
    java.io.IOException io = new java.io.IOException("io");
    Publishers.error(io).subscribe(checked);
    assertThat(checked.error).isSameAs(io);
  }

  @Test
  void aFailingIteratorFailsTheSubscriber() {
    Iterator<Integer> broken =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Integer next() {
            throw new IllegalStateException("broken");
          }
        };
    Recorder<Integer> r = new Recorder<>();
    Publishers.fromIterable(() -> broken).subscribe(r);
    r.subscription.request(3);
    assertThat(r.error).hasMessage("broken");
    assertThat(r.terminals.get()).isEqualTo(1);
  }

  @Test
  void mapAppliesAndFailsOnceWhenTheFunctionThrows() {
    Recorder<String> r = new Recorder<>();
    Publishers.map(Publishers.just(1, 2, 3), i -> "n" + i).subscribe(r);
    r.subscription.request(Long.MAX_VALUE);
    assertThat(r.items).containsExactly("n1", "n2", "n3");
    assertThat(r.completed).isTrue();

    AtomicBoolean cancelled = new AtomicBoolean();
    Recorder<Integer> failing = new Recorder<>();
    Publishers.map(
            Publishers.fromStream(Stream.of(1, 2, 3).onClose(() -> cancelled.set(true))),
            i -> {
              if (i == 2) {
                throw new IllegalArgumentException("two");
              }
              return i;
            })
        .subscribe(failing);
    failing.subscription.request(3);
    assertThat(failing.items).containsExactly(1);
    assertThat(failing.error).hasMessage("two");
    assertThat(failing.terminals.get()).isEqualTo(1);
    assertThat(cancelled).as("the source was cancelled").isTrue();
  }

  @Test
  void collectListCollectsInBatchesAndCancels() throws Exception {
    assertThat(
            Publishers.collectList(
                    Publishers.fromIterable(() -> IntStream.range(0, 1000).iterator()))
                .get())
        .hasSize(1000)
        .startsWith(0)
        .endsWith(999);
    List<Long> requests = new ArrayList<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    Flow.Publisher<Integer> never =
        s ->
            s.onSubscribe(
                new Flow.Subscription() {
                  @Override
                  public void request(long n) {
                    requests.add(n);
                  }

                  @Override
                  public void cancel() {
                    cancelled.set(true);
                  }
                });
    CompletableFuture<List<Integer>> collected = Publishers.collectList(never);
    assertThat(requests).containsExactly(256L);
    collected.cancel(true);
    assertThat(cancelled).isTrue();
  }

  @Test
  void fromFutureWaitsForDemandAndCompletion() {
    CompletableFuture<String> future = new CompletableFuture<>();
    Recorder<String> r = new Recorder<>();
    Publishers.fromFuture(future).subscribe(r);
    future.complete("v");
    assertThat(r.items).isEmpty();
    r.subscription.request(1);
    assertThat(r.items).containsExactly("v");
    assertThat(r.completed).isTrue();

    Recorder<String> empty = new Recorder<>();
    Publishers.<String>fromFuture(CompletableFuture.completedFuture(null)).subscribe(empty);
    assertThat(empty.completed).isTrue();
    Recorder<String> failed = new Recorder<>();
    Publishers.<String>fromFuture(CompletableFuture.failedFuture(new IllegalStateException("x")))
        .subscribe(failed);
    assertThat(failed.error).hasMessage("x");
  }

  @Test
  void toStreamPrefetchesBoundedlyAndCloseCancels() {
    List<Long> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicInteger emitted = new AtomicInteger();
    Flow.Publisher<Integer> counting =
        s ->
            s.onSubscribe(
                new Flow.Subscription() {
                  @Override
                  public void request(long n) {
                    requests.add(n);
                    for (long i = 0; i < n; i++) {
                      s.onNext(emitted.getAndIncrement());
                    }
                  }

                  @Override
                  public void cancel() {
                    cancelled.set(true);
                  }
                });
    try (Stream<Integer> stream = Publishers.toStream(counting, 8)) {
      assertThat(stream.limit(20)).hasSize(20);
      assertThat(emitted.get())
          .as("ahead of the consumer at most the prefetch")
          .isLessThanOrEqualTo(20 + 8);
    }
    assertThat(requests).first().isEqualTo(8L);
    assertThat(cancelled).isTrue();
  }

  @Test
  void toStreamThrowsTheFailureAndRejectsItemsBeyondDemand() {
    RpcException failure = Status.ABORTED.withDescription("stop").asException();
    try (Stream<String> s = Publishers.toStream(Publishers.error(failure))) {
      assertThatThrownBy(s::toList)
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.ABORTED));
    }
    AtomicBoolean cancelled = new AtomicBoolean();
    Flow.Publisher<Integer> flood =
        s ->
            s.onSubscribe(
                new Flow.Subscription() {
                  @Override
                  public void request(long n) {
                    for (int i = 0; i < 100; i++) {
                      s.onNext(i);
                    }
                  }

                  @Override
                  public void cancel() {
                    cancelled.set(true);
                  }
                });
    try (Stream<Integer> s = Publishers.toStream(flood, 4)) {
      assertThatThrownBy(s::toList)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("rule 1.1");
    }
    assertThat(cancelled).isTrue();
  }

  @Test
  void anInterruptedConsumerCancels() throws Exception {
    AtomicBoolean cancelled = new AtomicBoolean();
    Flow.Publisher<Integer> silent =
        s ->
            s.onSubscribe(
                new Flow.Subscription() {
                  @Override
                  public void request(long n) {}

                  @Override
                  public void cancel() {
                    cancelled.set(true);
                  }
                });
    CompletableFuture<Throwable> thrown = new CompletableFuture<>();
    Thread consumer =
        new Thread(
            () -> {
              try (Stream<Integer> s = Publishers.toStream(silent)) {
                Object unused = s.findFirst();
              } catch (RuntimeException e) {
                thrown.complete(e);
              }
            });
    consumer.start();
    Thread.sleep(50); // let it block; the outcome does not depend on the timing
    consumer.interrupt();
    assertThat(thrown.get(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.CANCELLED));
    assertThat(cancelled).isTrue();
    consumer.join();
  }

  @Test
  void closingFromAnotherThreadEndsABlockedConsumer() throws Exception {
    Flow.Publisher<Integer> silent = s -> s.onSubscribe(dev.typedrpc.internal.Subscriptions.NOOP);
    Stream<Integer> stream = Publishers.toStream(silent);
    CompletableFuture<Long> count = CompletableFuture.supplyAsync(stream::count);
    Thread.sleep(50);
    stream.close();
    assertThat(count.get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void collectListReportsTheFailure() {
    CompletableFuture<List<Object>> f =
        Publishers.collectList(Publishers.error(new IllegalStateException("x")));
    assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasRootCauseMessage("x");
  }
}
