package dev.typedrpc.sample.chat;

import dev.typedrpc.Status;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;

/**
 * One subscriber's feed of a room. Events wait in a bounded queue until the subscriber asks for
 * them; a subscriber that falls more than {@link #MAX_QUEUED} events behind is dropped with {@code
 * RESOURCE_EXHAUSTED} rather than letting the server's memory grow. Thread-safe.
 */
final class RoomSubscription implements Flow.Subscription {
  static final int MAX_QUEUED = 1024;

  private final Flow.Subscriber<? super RoomEvent> subscriber;
  private final Runnable onEnd;
  private final ArrayDeque<RoomEvent> queue = new ArrayDeque<>();
  private long demand;
  private boolean draining;
  private boolean done;
  private Throwable failure;

  RoomSubscription(Flow.Subscriber<? super RoomEvent> subscriber, Runnable onEnd) {
    this.subscriber = subscriber;
    this.onEnd = onEnd;
  }

  void offer(RoomEvent event) {
    synchronized (this) {
      if (done) {
        return;
      }
      if (queue.size() >= MAX_QUEUED) {
        failure =
            Status.RESOURCE_EXHAUSTED
                .withDescription("subscriber fell more than " + MAX_QUEUED + " events behind")
                .asException();
      } else {
        queue.add(event);
      }
    }
    drain();
  }

  @Override
  public void request(long n) {
    synchronized (this) {
      if (n <= 0) {
        failure = new IllegalArgumentException("request(" + n + "): n must be positive");
      } else {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      }
    }
    drain();
  }

  @Override
  public void cancel() {
    boolean first;
    synchronized (this) {
      first = !done;
      done = true;
      queue.clear();
    }
    if (first) {
      onEnd.run();
    }
  }

  /** Delivers queued events within demand; one thread at a time, without recursion. */
  private void drain() {
    synchronized (this) {
      if (draining) {
        return;
      }
      draining = true;
    }
    while (true) {
      RoomEvent next;
      Throwable error = null;
      synchronized (this) {
        if (done) {
          draining = false;
          return;
        }
        if (failure != null) {
          error = failure;
          done = true;
          next = null;
        } else if (demand > 0 && !queue.isEmpty()) {
          next = queue.poll();
          if (demand != Long.MAX_VALUE) {
            demand--;
          }
        } else {
          draining = false;
          return;
        }
      }
      if (error != null) {
        onEnd.run();
        subscriber.onError(error);
        return;
      }
      subscriber.onNext(next);
    }
  }
}
