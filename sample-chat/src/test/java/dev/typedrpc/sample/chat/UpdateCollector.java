package dev.typedrpc.sample.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A subscriber of a room's events that asks for 64 at a time and counts what a failing test must
 * show: events received, duplicates (a position at or before one already received), gaps (positions
 * skipped: a Redis room's positions are dense), and the texts of the messages in the order they
 * came. {@code onMessages} runs once, on a thread of its own, when {@code trigger} messages have
 * come; {@link #await} waits for a message text.
 */
final class UpdateCollector implements Flow.Subscriber<RoomUpdate> {
  private final int trigger;
  private final IntConsumer onMessages;
  private final List<String> texts = new ArrayList<>(); // guarded by this
  private final List<CountDownLatch> waiting = new ArrayList<>(); // guarded by this
  private final List<String> waitedFor = new ArrayList<>(); // guarded by this
  private Flow.Subscription subscription;
  private int received; // guarded by this
  private int duplicates; // guarded by this
  private long gaps; // guarded by this
  private long last = -1; // guarded by this
  private int sinceRequest;
  private volatile Throwable error;
  private final CountDownLatch ended = new CountDownLatch(1);

  UpdateCollector() {
    this(Integer.MAX_VALUE, n -> {});
  }

  UpdateCollector(int trigger, IntConsumer onMessages) {
    this.trigger = trigger;
    this.onMessages = onMessages;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(64);
  }

  @Override
  public void onNext(RoomUpdate update) {
    boolean fire = false;
    synchronized (this) {
      received++;
      long position = update.position();
      if (last >= 0 && position <= last) {
        duplicates++;
      } else {
        if (last >= 0 && position > last + 1) {
          gaps += position - last - 1;
        }
        last = position;
        if (update.event() instanceof RoomEvent.MessagePosted posted) {
          String text = posted.message().text();
          texts.add(text);
          fire = texts.size() == trigger;
          for (int i = 0; i < waitedFor.size(); i++) {
            if (waitedFor.get(i).equals(text)) {
              waiting.get(i).countDown();
            }
          }
        }
      }
    }
    if (fire) {
      new Thread(() -> onMessages.accept(trigger), "trigger").start();
    }
    if (++sinceRequest == 64) {
      sinceRequest = 0;
      subscription.request(64);
    }
  }

  @Override
  public void onError(Throwable t) {
    error = t;
    ended.countDown();
  }

  @Override
  public void onComplete() {
    error = new AssertionError("the room feed completed");
    ended.countDown();
  }

  /** Waits until a message with {@code text} came (or the feed ended). */
  void await(String text, int seconds) throws InterruptedException {
    CountDownLatch seen = new CountDownLatch(1);
    synchronized (this) {
      if (texts.contains(text)) {
        return;
      }
      waitedFor.add(text);
      waiting.add(seen);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!seen.await(100, TimeUnit.MILLISECONDS)) {
      if (ended.getCount() == 0) {
        throw new AssertionError("the feed ended before '" + text + "': " + error, error);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no '" + text + "' within " + seconds + " s; " + counts() + "; error " + error);
      }
    }
  }

  Throwable error() {
    return error;
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
    return "events received "
        + received
        + " (messages "
        + texts.size()
        + "), duplicates "
        + duplicates
        + ", gaps "
        + gaps;
  }
}
