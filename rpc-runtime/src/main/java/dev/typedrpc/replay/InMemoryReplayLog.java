package dev.typedrpc.replay;

import dev.typedrpc.Status;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * A {@link ReplayLog} in this process's memory: per key, the last {@link Builder#window(int)}
 * events (default 1,024), fewer once some are older than {@link Builder#maxAge(Duration)} (default
 * no limit); at most {@link Builder#maxKeys(int)} keys (default 10,000): a new key then replaces
 * the least recently used key that has no subscriber, and if every key has one, {@link #append}
 * fails with {@code RESOURCE_EXHAUSTED}. Memory is bounded by keys × window events; a subscriber
 * holds only its place in its key's window.
 *
 * <p>Positions come from one counter for the whole log, so they increase per key and stay
 * meaningful when a key is let go and comes back: a subscription to such a key from a position
 * older than what was let go fails with {@code DATA_LOSS}. They start at 1 with each instance: a
 * client resuming with a position from an earlier instance (a restarted server that kept no log)
 * gets {@code DATA_LOSS}. Subscribers are called on the thread that appended or asked for more.
 * Thread-safe.
 */
public final class InMemoryReplayLog<K, E> implements ReplayLog<K, E> {
  private final int window;
  private final long maxAgeNanos;
  private final int maxKeys;
  private final LongSupplier clock;
  private final AtomicLong positions = new AtomicLong();
  private final LinkedHashMap<K, KeyWindow<E>> keys; // guarded by itself, access order
  private long forgotten; // guarded by keys: the highest position of a key let go

  private InMemoryReplayLog(Builder<K, E> b) {
    this.window = b.window;
    this.maxAgeNanos = b.maxAge == null ? Long.MAX_VALUE : b.maxAge.toNanos();
    this.maxKeys = b.maxKeys;
    this.clock = b.clock;
    this.keys = new LinkedHashMap<>(16, 0.75f, true);
  }

  /** A log with the default bounds. */
  public static <K, E> InMemoryReplayLog<K, E> create() {
    return new Builder<K, E>().build();
  }

  public static <K, E> Builder<K, E> builder() {
    return new Builder<>();
  }

  @Override
  public E append(K key, LongFunction<? extends E> event) {
    Objects.requireNonNull(event, "event");
    while (true) {
      KeyWindow<E> w = window(key);
      E made;
      synchronized (w) {
        if (w.isEvicted()) {
          continue; // let go since the lookup: the key has a new window
        }
        long position = positions.incrementAndGet();
        made = Objects.requireNonNull(event.apply(position), "the event made for a position");
        w.add(position, made, clock.getAsLong());
      }
      for (WindowSubscription<E> s : w.subscribers) {
        s.signal();
      }
      return made;
    }
  }

  @Override
  public long position(K key) {
    return window(key).last();
  }

  @Override
  public Flow.Publisher<E> subscribe(K key, OptionalLong after) {
    Objects.requireNonNull(after, "after");
    return subscriber -> {
      Objects.requireNonNull(subscriber, "subscriber");
      long handedOut = positions.get();
      if (after.isPresent() && after.getAsLong() > handedOut) {
        subscriber.onSubscribe(NOTHING);
        subscriber.onError(
            Status.DATA_LOSS
                .withDescription(
                    "position "
                        + after.getAsLong()
                        + " is ahead of this log, which gave out positions up to "
                        + handedOut
                        + " (it was reset): subscribe again without a position")
                .asException());
        return;
      }
      WindowSubscription<E> s;
      try {
        s = register(key, subscriber, after);
      } catch (RuntimeException e) {
        subscriber.onSubscribe(NOTHING);
        subscriber.onError(e);
        return;
      }
      subscriber.onSubscribe(s);
    };
  }

  /** A subscription to the current window of {@code key}, registered there. */
  private WindowSubscription<E> register(
      K key, Flow.Subscriber<? super E> subscriber, OptionalLong after) {
    while (true) {
      KeyWindow<E> w = window(key);
      synchronized (w) {
        if (w.isEvicted()) {
          continue; // let go since the lookup: the key has a new window
        }
        WindowSubscription<E> s =
            new WindowSubscription<>(w, subscriber, after.orElse(w.last()), clock);
        w.subscribers.add(s);
        return s;
      }
    }
  }

  /** The window of {@code key}, made (and another key let go, if need be) if there is none. */
  private KeyWindow<E> window(K key) {
    Objects.requireNonNull(key, "key");
    synchronized (keys) {
      KeyWindow<E> w = keys.get(key);
      if (w != null) {
        return w;
      }
      if (keys.size() >= maxKeys) {
        evictOne();
      }
      w = new KeyWindow<>(key, window, maxAgeNanos, forgotten);
      keys.put(key, w);
      return w;
    }
  }

  /** Lets the least recently used key without subscribers go. */
  private void evictOne() {
    for (Iterator<Map.Entry<K, KeyWindow<E>>> it = keys.entrySet().iterator(); it.hasNext(); ) {
      KeyWindow<E> candidate = it.next().getValue();
      if (candidate.tryEvict()) {
        forgotten = Math.max(forgotten, candidate.last());
        it.remove();
        return;
      }
    }
    throw Status.RESOURCE_EXHAUSTED
        .withDescription("the replay log keeps " + maxKeys + " keys, each with a subscriber")
        .asException();
  }

  /** How many keys the log keeps now. */
  public int keyCount() {
    synchronized (keys) {
      return keys.size();
    }
  }

  private static final Flow.Subscription NOTHING =
      new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      };

  /** Bounds of an {@link InMemoryReplayLog}. */
  public static final class Builder<K, E> {
    private int window = 1024;
    private Duration maxAge;
    private int maxKeys = 10_000;
    private LongSupplier clock = System::nanoTime;

    private Builder() {}

    /** How many recent events are kept per key, at least 1 (default 1,024). */
    public Builder<K, E> window(int events) {
      if (events < 1) {
        throw new IllegalArgumentException("window must be at least 1, got " + events);
      }
      this.window = events;
      return this;
    }

    /** How long an event is kept at most (default: until the window is full). */
    public Builder<K, E> maxAge(Duration age) {
      if (age.isNegative() || age.isZero()) {
        throw new IllegalArgumentException("maxAge must be positive, got " + age);
      }
      this.maxAge = age;
      return this;
    }

    /** How many keys are kept at most, at least 1 (default 10,000). */
    public Builder<K, E> maxKeys(int keys) {
      if (keys < 1) {
        throw new IllegalArgumentException("maxKeys must be at least 1, got " + keys);
      }
      this.maxKeys = keys;
      return this;
    }

    /** The clock of {@link #maxAge} in nanoseconds (for tests); default {@link System#nanoTime}. */
    Builder<K, E> clock(LongSupplier nanos) {
      this.clock = nanos;
      return this;
    }

    public InMemoryReplayLog<K, E> build() {
      return new InMemoryReplayLog<>(this);
    }
  }
}
