package dev.typedrpc.it;

import dev.typedrpc.RpcContext;
import dev.typedrpc.Status;
import dev.typedrpc.testing.CountingPublisher;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicReference;

/** The server side of {@link ItService}, recording what the tests assert on. */
final class ItServiceImpl implements ItService {
  final List<String> events = new CopyOnWriteArrayList<>();

  /**
   * The producer behind the latest {@link #count} stream: what it made and what it was asked for.
   */
  final AtomicReference<CountingPublisher<Tick>> lastCount = new AtomicReference<>();

  private final ConcurrentHashMap<String, CompletableFuture<Status>> hangCancellations =
      new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CountDownLatch> hangStarts = new ConcurrentHashMap<>();

  @Override
  public Reply greet(Greeting greeting) {
    if (greeting.name().equals("null reply")) {
      return new Reply(null, 0); // a server bug: Reply.text has no absent value
    }
    return new Reply(
        "hello " + greeting.name() + " x" + greeting.count() + " " + greeting.tags(), 1);
  }

  @Override
  public CompletableFuture<String> shout(String text, int times) {
    return CompletableFuture.supplyAsync(
        () -> (text.toUpperCase(java.util.Locale.ROOT) + "!").repeat(times));
  }

  @Override
  public CompletionStage<Long> length(String text) {
    return CompletableFuture.completedFuture((long) text.length());
  }

  @Override
  public void record(String event) {
    if (event.equals("bad")) {
      throw Status.INVALID_ARGUMENT.withDescription("bad event").asException();
    }
    events.add(event);
  }

  @Override
  public List<String> recorded() {
    return List.copyOf(events);
  }

  @Override
  public Flow.Publisher<Tick> count(long limit) {
    CountingPublisher<Tick> ticks = new CountingPublisher<>(limit, Tick::new);
    lastCount.set(ticks);
    return ticks;
  }

  @Override
  public CompletableFuture<Long> sum(Flow.Publisher<Long> numbers) {
    CompletableFuture<Long> result = new CompletableFuture<>();
    numbers.subscribe(
        new Flow.Subscriber<Long>() {
          private long total;
          private Flow.Subscription s;

          @Override
          public void onSubscribe(Flow.Subscription s) {
            this.s = s;
            s.request(4);
          }

          @Override
          public void onNext(Long item) {
            total += item;
            s.request(1);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            result.complete(total);
          }
        });
    return result;
  }

  @Override
  public Flow.Publisher<Reply> converse(Flow.Publisher<Greeting> greetings) {
    SubmissionPublisher<Reply> replies = new SubmissionPublisher<>(Runnable::run, 256);
    greetings.subscribe(
        new Flow.Subscriber<Greeting>() {
          private Flow.Subscription s;
          private long n;

          @Override
          public void onSubscribe(Flow.Subscription s) {
            this.s = s;
            s.request(1);
          }

          @Override
          public void onNext(Greeting g) {
            replies.submit(new Reply("hi " + g.name(), ++n));
            s.request(1);
          }

          @Override
          public void onError(Throwable t) {
            replies.closeExceptionally(t);
          }

          @Override
          public void onComplete() {
            replies.close();
          }
        });
    return replies;
  }

  @Override
  public CompletableFuture<Reply> hang(String why) {
    RpcContext ctx = RpcContext.current();
    CompletableFuture<Status> cancelled = hangCancellation(why);
    ctx.addCancelListener(() -> cancelled.complete(ctx.cancellationStatus()));
    hangStarted(why).countDown();
    return new CompletableFuture<>();
  }

  /** Completes with the status the server saw when the {@code hang(why)} call was cancelled. */
  CompletableFuture<Status> hangCancellation(String why) {
    return hangCancellations.computeIfAbsent(why, k -> new CompletableFuture<>());
  }

  CountDownLatch hangStarted(String why) {
    return hangStarts.computeIfAbsent(why, k -> new CountDownLatch(1));
  }

  @Override
  public Reply fail(String how) {
    if (how.equals("not-found")) {
      throw Status.NOT_FOUND.withDescription("no such thing").asException();
    }
    throw new IllegalStateException("database password is hunter2");
  }

  @Override
  public byte[] echo(byte[] payload) {
    return payload;
  }
}
