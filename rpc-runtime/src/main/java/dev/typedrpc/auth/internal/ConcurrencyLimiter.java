package dev.typedrpc.auth.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the calls each key (a principal) has in flight and refuses one beyond {@code max}. A key
 * is held only while it has calls in flight, so the map never holds more keys than there are calls
 * in flight on the server (bounded by connections times concurrent streams). Thread-safe.
 */
final class ConcurrencyLimiter {
  private final int max;
  private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

  ConcurrencyLimiter(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max concurrent calls must be at least 1, was " + max);
    }
    this.max = max;
  }

  int max() {
    return max;
  }

  /** Counts a call of {@code key} in; false (and nothing counted) if it has {@code max} already. */
  boolean tryAcquire(String key) {
    boolean[] admitted = {false};
    inFlight.compute(
        key,
        (k, n) -> {
          int count = n == null ? 0 : n;
          if (count >= max) {
            return n;
          }
          admitted[0] = true;
          return count + 1;
        });
    return admitted[0];
  }

  /** Counts a call of {@code key} out; the key is forgotten at zero. */
  void release(String key) {
    inFlight.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Keys with calls in flight. */
  int size() {
    return inFlight.size();
  }
}
