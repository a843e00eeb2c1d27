package dev.typedrpc.presence.internal;

import dev.typedrpc.presence.PresenceEvent;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One watcher's subscription: a bounded queue of events delivered as the subscriber asks. When the
 * queue is full, its backlog is replaced by one snapshot of the topic, so a slow watcher costs at
 * most {@code capacity} events. Events are {@linkplain #offer queued} under the topic's lock and
 * {@linkplain #drain delivered} outside it; delivery is serialised and never recursive.
 */
public final class Watcher implements Flow.Subscription {
  private final Flow.Subscriber<? super PresenceEvent> subscriber;
  private final int capacity;
  private final Runnable onEnd;
  private final ArrayDeque<PresenceEvent> queue = new ArrayDeque<>(); // guarded by this
  private final AtomicInteger wip = new AtomicInteger();
  private long demand; // guarded by this
  private boolean started; // guarded by this: onSubscribe was called
  private boolean ended; // guarded by this: cancelled or terminated, nothing more is delivered
  private boolean finishing; // guarded by this: a terminal signal waits for delivery
  private Throwable error; // guarded by this
  private long resyncs; // guarded by this

  /**
   * @param onEnd runs once when the watcher is cancelled or terminated (removes it from its topic)
   */
  public Watcher(Flow.Subscriber<? super PresenceEvent> subscriber, int capacity, Runnable onEnd) {
    this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
    this.capacity = capacity;
    this.onEnd = onEnd;
  }

  /**
   * Queues {@code event}; a {@code SNAPSHOT} replaces the backlog, and so does {@code snapshot}'s
   * when the queue is full. Call {@link #drain()} afterwards, outside any lock.
   */
  public synchronized void offer(PresenceEvent event, Supplier<PresenceEvent> snapshot) {
    if (ended || finishing) {
      return;
    }
    if (event.kind() == PresenceEvent.Kind.SNAPSHOT) {
      queue.clear();
      queue.add(event);
    } else if (queue.size() >= capacity) {
      queue.clear();
      queue.add(snapshot.get());
      resyncs++;
    } else {
      queue.add(event);
    }
  }

  /** Ends the watcher: completes it ({@code error} null) or fails it, dropping its backlog. */
  public void finish(Throwable error) {
    synchronized (this) {
      if (ended || finishing) {
        return;
      }
      finishing = true;
      this.error = error;
      queue.clear();
    }
    drain();
  }

  /** How many times this watcher's backlog was replaced by a snapshot. */
  public synchronized long resyncs() {
    return resyncs;
  }

  /** How many events wait for this watcher. */
  public synchronized int queued() {
    return queue.size();
  }

  /** Calls {@code onSubscribe} and starts delivery. */
  public void start() {
    subscriber.onSubscribe(this);
    synchronized (this) {
      started = true;
    }
    drain();
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      finish(new IllegalArgumentException("request(n) needs n > 0 (Reactive Streams rule 3.9)"));
      return;
    }
    synchronized (this) {
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    }
    drain();
  }

  @Override
  public void cancel() {
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      queue.clear();
    }
    onEnd.run();
  }

  /** Delivers what is queued and asked for; serialised, so one thread at a time delivers. */
  public void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    while (true) {
      while (true) {
        PresenceEvent next;
        Throwable failure = null;
        boolean terminate = false;
        synchronized (this) {
          if (ended) {
            queue.clear();
            break;
          }
          if (!started) {
            break;
          }
          if (finishing) {
            ended = true;
            terminate = true;
            failure = error;
            next = null;
          } else if (demand > 0 && !queue.isEmpty()) {
            next = queue.poll();
            demand--;
          } else {
            break;
          }
        }
        if (terminate) {
          onEnd.run();
          if (failure != null) {
            subscriber.onError(failure);
          } else {
            subscriber.onComplete();
          }
          break;
        }
        subscriber.onNext(next);
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }
}
