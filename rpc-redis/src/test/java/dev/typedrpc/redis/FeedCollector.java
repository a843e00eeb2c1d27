package dev.typedrpc.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A subscriber of a feed that does nothing special: it asks for 64 events at a time and records
 * them. It counts what a failing test must show: events received, duplicates (a position at or
 * before one already received), gaps (positions skipped), and the texts, which must be the numbers
 * 0 to n - 1 in order. {@code onCount} runs (once) when a count is reached.
 */
final class FeedCollector implements Flow.Subscriber<String> {
  private final int expected;
  private final int trigger;
  private final IntConsumer onCount;
  private final CountDownLatch done = new CountDownLatch(1);
  private final List<String> texts = new ArrayList<>(); // guarded by this
  private Flow.Subscription subscription;
  private int received;
  private int duplicates;
  private long gaps;
  private long last = -1;
  private int sinceRequest;
  private volatile Throwable error;

  FeedCollector(int expected, int trigger, IntConsumer onCount) {
    this.expected = expected;
    this.trigger = trigger;
    this.onCount = onCount;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(64);
  }

  @Override
  public void onNext(String event) {
    long position = FeedNode.positionOf(event);
    synchronized (this) {
      received++;
      if (last >= 0 && position <= last) {
        duplicates++;
      } else {
        if (last >= 0 && position > last + 1) {
          gaps += position - last - 1;
        }
        last = position;
      }
      texts.add(event.substring(event.indexOf(':') + 1));
    }
    if (received == trigger) {
      Thread t = new Thread(() -> onCount.accept(trigger), "trigger");
      t.start();
    }
    if (received >= expected) {
      done.countDown();
    }
    if (++sinceRequest == 64) {
      sinceRequest = 0;
      subscription.request(64);
    }
  }

  @Override
  public void onError(Throwable t) {
    error = t;
    done.countDown();
  }

  @Override
  public void onComplete() {
    error = new AssertionError("completed");
    done.countDown();
  }

  /** Waits until every expected event or an error came. */
  FeedCollector await() throws InterruptedException {
    if (!done.await(90, TimeUnit.SECONDS)) {
      throw new AssertionError("only " + received() + " of " + expected + " events within 90 s");
    }
    return this;
  }

  Throwable error() {
    return error;
  }

  synchronized int received() {
    return received;
  }

  synchronized int duplicates() {
    return duplicates;
  }

  synchronized long gaps() {
    return gaps;
  }

  synchronized List<String> texts() {
    return List.copyOf(texts);
  }

  void cancel() {
    subscription.cancel();
  }

  synchronized String counts() {
    return "received " + received + ", duplicates " + duplicates + ", gaps " + gaps;
  }
}
