package dev.typedrpc.replay;

import dev.typedrpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The window of one key: the last {@code capacity} events (fewer once some are older than the
 * maximum age) in a ring, and the key's live subscriptions. Thread-safe: the ring is guarded by
 * this object.
 */
final class KeyWindow<E> {
  private final Object key;
  private final long[] positions;
  private final long[] times;
  private final Object[] events;
  private final long maxAgeNanos; // Long.MAX_VALUE: no limit
  private int head; // index of the oldest entry
  private int count;
  private long dropped; // the highest position no longer held (0: none)
  private long last; // the last position appended (or `dropped` when nothing was)
  private boolean evicted; // let go by the log: appends and subscriptions go to a new window
  final List<WindowSubscription<E>> subscribers = new CopyOnWriteArrayList<>();

  KeyWindow(Object key, int capacity, long maxAgeNanos, long start) {
    this.key = key;
    this.positions = new long[capacity];
    this.times = new long[capacity];
    this.events = new Object[capacity];
    this.maxAgeNanos = maxAgeNanos;
    this.dropped = start;
    this.last = start;
  }

  /** Adds an event at {@code position}, which is greater than any before it. */
  synchronized void add(long position, E event, long now) {
    if (count == positions.length) {
      dropOldest();
    }
    int i = (head + count) % positions.length;
    positions[i] = position;
    times[i] = now;
    events[i] = event;
    count++;
    last = position;
  }

  /** Lets this window go if it has no subscriber; whether it did. */
  synchronized boolean tryEvict() {
    if (!subscribers.isEmpty()) {
      return false;
    }
    evicted = true;
    return true;
  }

  synchronized boolean isEvicted() {
    return evicted;
  }

  synchronized long last() {
    return last;
  }

  /**
   * Up to {@code max} events after {@code after}, oldest first (empty if there are none yet).
   *
   * @throws dev.typedrpc.RpcException {@code DATA_LOSS} if events after {@code after} were dropped
   */
  @SuppressWarnings("unchecked")
  synchronized List<Read<E>> after(long after, int max, long now) {
    expire(now);
    if (after < dropped) {
      throw Status.DATA_LOSS
          .withDescription(
              "events after position "
                  + after
                  + " up to "
                  + dropped
                  + " of "
                  + key
                  + " are no longer kept (the window holds "
                  + (count == 0 ? "none" : positions[head] + " to " + last)
                  + "): subscribe again without a position to get the live events")
          .asException();
    }
    int from = firstAfter(after);
    List<Read<E>> out = new ArrayList<>(Math.min(max, count - from));
    for (int k = from; k < count && out.size() < max; k++) {
      int i = (head + k) % positions.length;
      out.add(new Read<>(positions[i], (E) events[i]));
    }
    return out;
  }

  /** The offset from {@link #head} of the first entry after {@code after} ({@code count}: none). */
  private int firstAfter(long after) {
    int lo = 0;
    int hi = count;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (positions[(head + mid) % positions.length] <= after) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private void expire(long now) {
    while (count > 0 && maxAgeNanos != Long.MAX_VALUE && now - times[head] > maxAgeNanos) {
      dropOldest();
    }
  }

  private void dropOldest() {
    dropped = positions[head];
    events[head] = null;
    head = (head + 1) % positions.length;
    count--;
  }

  /** An event read from the window, with its position. */
  record Read<E>(long position, E event) {}
}
