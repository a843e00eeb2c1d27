package dev.typedrpc.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A client's view of a response stream of text: what came, in order, and how it ended. */
final class Lines implements Flow.Subscriber<String> {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;

  static Lines of(Flow.Publisher<String> responses) {
    Lines lines = new Lines();
    responses.subscribe(lines);
    return lines;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(String line) {
    lines.add(line);
  }

  @Override
  public void onError(Throwable error) {
    done.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    done.complete(null);
  }

  void cancel() {
    subscription.cancel();
  }

  /** Waits for the next line, which must be {@code expected}. */
  void expect(String expected) throws InterruptedException {
    String line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(line).as("the next line within " + WAIT).isEqualTo(expected);
  }
}
