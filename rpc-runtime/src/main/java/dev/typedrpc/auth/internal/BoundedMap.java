package dev.typedrpc.auth.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A map of per-key state (a rate limit's buckets) that cannot grow without bound: at most {@code
 * maxEntries} keys, the least recently used forgotten first, and entries that {@code forgettable}
 * says carry no state (a bucket full again) dropped as keys are used. One lock: each operation is a
 * hash lookup and at most a few removals from the least recently used end. Thread-safe.
 */
final class BoundedMap<K, V> {
  private final int maxEntries;
  private final Predicate<V> forgettable;
  private final LinkedHashMap<K, V> map = new LinkedHashMap<>(16, 0.75f, true); // access order
  private long evicted;

  BoundedMap(int maxEntries, Predicate<V> forgettable) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.forgettable = forgettable;
  }

  /** The value for {@code key}, created if absent; expires idle entries and caps the count. */
  synchronized V get(K key, Function<K, V> create) {
    V v = map.get(key); // moves it to the most recently used end
    if (v == null) {
      v = create.apply(key);
      map.put(key, v);
    }
    expire(key);
    return v;
  }

  /** Drops forgettable entries from the least recently used end, and any beyond the cap. */
  private void expire(K keep) {
    Iterator<Map.Entry<K, V>> it = map.entrySet().iterator();
    // at most a few per call: the cost of a call stays constant, and idle entries go as keys are
    // used
    for (int i = 0; i < 4 && it.hasNext(); i++) {
      Map.Entry<K, V> e = it.next();
      if (e.getKey().equals(keep) || !forgettable.test(e.getValue())) {
        break;
      }
      it.remove();
    }
    while (map.size() > maxEntries) {
      it = map.entrySet().iterator();
      it.next();
      it.remove();
      evicted++;
    }
  }

  synchronized int size() {
    return map.size();
  }

  /** How many entries were dropped because of the cap (not because they were idle). */
  synchronized long evicted() {
    return evicted;
  }
}
