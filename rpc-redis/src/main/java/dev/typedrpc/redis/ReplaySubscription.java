package dev.typedrpc.redis;

import dev.typedrpc.Status;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One subscriber of a {@link RedisReplayLog} key. It pages through the stream from its position as
 * far as its demand goes ({@code BEHIND} / {@code FETCHING}); once a read comes back with nothing
 * newer it registers with the {@link StreamTail} ({@code LIVE}), which hands it each new event
 * while it is caught up and has demand. An event it cannot take (no demand, a gap, a full page)
 * sends it back to reading from Redis, so it holds at most {@link RedisReplayLog#PAGE} events. One
 * thread at a time delivers, without recursion. Thread-safe.
 */
final class ReplaySubscription<E> implements Flow.Subscription {
  static final Flow.Subscription NOTHING =
      new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      };

  private enum Mode {
    BEHIND,
    FETCHING,
    LIVE,
    DONE
  }

  private final RedisReplayLog<E> log;
  private final StreamTail<E> tail;
  private final String key;
  private final Flow.Subscriber<? super E> subscriber;
  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicBoolean released = new AtomicBoolean();
  private final ArrayDeque<E> queue = new ArrayDeque<>(); // guarded by this
  private final boolean fromNow; // no position: starts where the key is when first read
  private boolean started; // guarded by this: the cursor is known
  private long cursor; // guarded by this: the last position queued
  private long demand; // guarded by this: requested and not queued
  private Mode mode = Mode.BEHIND; // guarded by this
  private Throwable error; // guarded by this: delivered after the queue
  private volatile boolean cancelled;

  ReplaySubscription(
      RedisReplayLog<E> log,
      StreamTail<E> tail,
      String key,
      Flow.Subscriber<? super E> subscriber,
      OptionalLong after) {
    this.log = log;
    this.tail = tail;
    this.key = key;
    this.subscriber = subscriber;
    this.fromNow = after.isEmpty();
    if (after.isPresent()) {
      started = true;
      cursor = after.getAsLong();
    } else {
      mode = Mode.FETCHING; // the key's position, read in start()
    }
  }

  String key() {
    return key;
  }

  /** A subscription without a position learns the key's position now: it gets what comes after. */
  void start() {
    if (fromNow) {
      var unused = log.read(key, OptionalLong.empty(), 0).whenComplete(this::onRead);
    } else {
      drain();
    }
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      fail(
          new IllegalArgumentException(
              "request(" + n + "): n must be positive (Reactive Streams rule 3.9)"));
      return;
    }
    synchronized (this) {
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    }
    drain();
  }

  @Override
  public void cancel() {
    cancelled = true;
    synchronized (this) {
      mode = Mode.DONE;
      queue.clear();
    }
    release();
  }

  /** The reader read {@code event} at {@code position} of this key. */
  void live(long position, E event) {
    boolean behind = false;
    synchronized (this) {
      if (mode != Mode.LIVE || position <= cursor) {
        return;
      }
      if (position == cursor + 1 && demand > 0 && queue.size() < RedisReplayLog.PAGE) {
        queue.add(event);
        cursor = position;
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
      } else {
        mode = Mode.BEHIND; // read it from Redis when there is demand
        behind = true;
      }
    }
    if (behind) {
      tail.remove(this);
    }
    drain();
  }

  /** The log failed: end with {@code error} after what is queued. */
  void fail(Throwable failure) {
    synchronized (this) {
      if (mode == Mode.DONE || error != null) {
        return;
      }
      mode = Mode.DONE;
      error = failure;
    }
    tail.remove(this);
    drain();
  }

  private void onRead(List<Object> reply, Throwable failure) {
    if (failure != null) {
      fail(RedisReplayLog.unreachable(failure));
      return;
    }
    try {
      read(reply);
    } catch (IOException | RuntimeException e) {
      fail(
          Status.INTERNAL
              .withDescription("an event of " + key + " does not read back: " + e)
              .withCause(e)
              .asException());
      return;
    }
    drain();
  }

  private void read(List<Object> reply) throws IOException {
    long last = RedisReplayLog.number(reply.get(0));
    List<?> entries = reply.size() > 1 ? (List<?>) reply.get(1) : List.of();
    long first =
        entries.isEmpty() ? 0 : RedisReplayLog.entryPosition(((List<?>) entries.get(0)).get(0));
    Throwable lost = null;
    boolean live = false;
    synchronized (this) {
      if (mode != Mode.FETCHING) {
        return; // cancelled or failed meanwhile
      }
      if (!started) {
        started = true;
        cursor = last;
      }
      if (entries.isEmpty()) {
        if (cursor > last) {
          lost =
              Status.DATA_LOSS
                  .withDescription(
                      "position "
                          + cursor
                          + " is ahead of "
                          + key
                          + ", which is at "
                          + last
                          + " (Redis lost it): subscribe again without a position")
                  .asException();
        } else if (cursor < last) {
          lost = trimmed(last, "none");
        } else {
          mode = Mode.LIVE;
          live = true;
        }
      } else if (first != cursor + 1) {
        lost = trimmed(first - 1, first + " to " + last);
      } else {
        for (Object o : entries) {
          List<?> entry = (List<?>) o;
          long position = RedisReplayLog.entryPosition(entry.get(0));
          queue.add(log.decode(event(entry)));
          cursor = position;
          if (demand != Long.MAX_VALUE) {
            demand--;
          }
        }
        mode = Mode.BEHIND;
      }
    }
    if (lost != null) {
      fail(lost);
    } else if (live && !tail.register(this, currentCursor())) {
      synchronized (this) {
        if (mode == Mode.LIVE) {
          mode = Mode.BEHIND; // the reader is past us already: read again
        }
      }
    }
  }

  private synchronized long currentCursor() {
    return cursor;
  }

  private Throwable trimmed(long upTo, String holds) {
    return Status.DATA_LOSS
        .withDescription(
            "events after position "
                + cursor
                + " up to "
                + upTo
                + " of "
                + key
                + " are no longer kept (the stream holds "
                + holds
                + "): subscribe again without a position to get the live events")
        .asException();
  }

  private static byte[] event(List<?> entry) {
    List<?> fields = (List<?>) entry.get(1);
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      Object name = fields.get(i);
      if (name instanceof byte[] b && b.length == 1 && b[0] == 'e') {
        return (byte[]) fields.get(i + 1);
      }
    }
    return null;
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      deliver();
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  /** Delivers the queue, then the error if any, then reads on if there is demand. */
  private void deliver() {
    while (!cancelled) {
      E next;
      Throwable end = null;
      boolean fetch = false;
      long after = 0;
      int count = 0;
      synchronized (this) {
        next = queue.poll();
        if (next == null) {
          if (error != null) {
            end = error;
            error = null;
          } else if (mode == Mode.BEHIND && demand > 0) {
            mode = Mode.FETCHING;
            fetch = true;
            after = cursor;
            count = (int) Math.min(demand, RedisReplayLog.PAGE);
          }
        }
      }
      if (next != null) {
        subscriber.onNext(next);
        continue;
      }
      if (end != null) {
        cancelled = true;
        release();
        subscriber.onError(end);
      } else if (fetch) {
        var unused = log.read(key, OptionalLong.of(after), count).whenComplete(this::onRead);
      }
      return;
    }
  }

  private void release() {
    if (released.compareAndSet(false, true)) {
      tail.remove(this);
      log.released();
    }
  }
}
