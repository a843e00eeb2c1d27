package dev.typedrpc.bench.scale;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The server's subscriptions and the one operation on all of them: a broadcast, from one thread, of
 * one event object shared by every subscription. Thread-safe. Costs a list slot per subscription (4
 * bytes with compressed references), which the per-connection figures include.
 *
 * @param <E> the event type of the system serving it
 */
final class Broadcaster<E> {
  /** One subscription, as the serving system holds it. */
  interface Target<E> {
    /** Hands {@code event} on; false if the subscriber had no demand for it (a lost event). */
    boolean offer(E event);
  }

  /** What one broadcast did. */
  record Sent(long sentNanos, long loopNanos, int targets, int refused) {}

  private final List<Target<E>> targets = new ArrayList<>(); // guarded by this

  synchronized void add(Target<E> target) {
    targets.add(target);
  }

  synchronized void remove(Target<E> target) {
    targets.remove(target);
  }

  synchronized int size() {
    return targets.size();
  }

  /**
   * Stamps the clock, makes the event for that instant and offers it to every subscription present
   * now, in order of subscription; runs on the caller's thread.
   */
  Sent broadcast(LongFunction<E> eventAt) {
    List<Target<E>> now;
    synchronized (this) {
      now = new ArrayList<>(targets);
    }
    long sent = System.nanoTime();
    E event = eventAt.apply(sent);
    int refused = 0;
    for (Target<E> target : now) {
      if (!target.offer(event)) {
        refused++;
      }
    }
    return new Sent(sent, System.nanoTime() - sent, now.size(), refused);
  }
}
