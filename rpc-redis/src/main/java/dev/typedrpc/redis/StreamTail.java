package dev.typedrpc.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.UnblockType;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one reader of a {@link RedisReplayLog}: a thread that tails, with {@code XREAD BLOCK} on a
 * connection of its own, the streams of the keys that have a caught-up subscriber on this node, and
 * hands each new event (decoded once) to them. Per key it remembers the last entry it read, and
 * after a failure (Redis restarting, the connection lost) it reads on from there. A key that gets
 * its first subscriber wakes a blocked read ({@code CLIENT UNBLOCK}).
 */
final class StreamTail<E> {
  private static final Logger log = LoggerFactory.getLogger(StreamTail.class);
  private static final Duration BLOCK = Duration.ofSeconds(1);
  private static final long MAX_BACKOFF_MS = 1_000;

  /** The subscribers of one key and the last position read of it. */
  private static final class Group<E> {
    long cursor;
    final List<ReplaySubscription<E>> subscribers = new CopyOnWriteArrayList<>();

    Group(long cursor) {
      this.cursor = cursor;
    }
  }

  private final RedisReplayLog<E> owner;
  private final StatefulRedisConnection<String, byte[]> reader;
  private final StatefulRedisConnection<String, byte[]> commands;
  private final Map<String, Group<E>> groups = new HashMap<>(); // guarded by this
  private final Thread thread;
  private volatile long clientId = -1; // the reader connection's, -1: unknown
  private boolean closed; // guarded by this

  StreamTail(
      RedisReplayLog<E> owner,
      StatefulRedisConnection<String, byte[]> reader,
      StatefulRedisConnection<String, byte[]> commands) {
    this.owner = owner;
    this.reader = reader;
    this.commands = commands;
    this.thread = new Thread(this::run, "typedrpc-replay-tail");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /**
   * Tails {@code s}'s key for it from {@code cursor}, its last position; false (and nothing done)
   * if the reader has read past that already, so {@code s} must read from Redis again.
   */
  boolean register(ReplaySubscription<E> s, long cursor) {
    boolean wake;
    synchronized (this) {
      if (closed) {
        return false;
      }
      Group<E> g = groups.get(s.key());
      if (g != null && g.cursor > cursor) {
        return false;
      }
      wake = g == null;
      if (g == null) {
        g = new Group<>(cursor);
        groups.put(s.key(), g);
        notifyAll();
      }
      g.subscribers.add(s);
    }
    long id = clientId;
    if (wake && id >= 0) {
      var unused = commands.async().clientUnblock(id, UnblockType.TIMEOUT);
    }
    return true;
  }

  synchronized void remove(ReplaySubscription<E> s) {
    Group<E> g = groups.get(s.key());
    if (g != null && g.subscribers.remove(s) && g.subscribers.isEmpty()) {
      groups.remove(s.key());
    }
  }

  /** Stops the reader; the subscribers it tails for fail with {@code error}. */
  void close(Throwable error) {
    List<ReplaySubscription<E>> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      groups.values().forEach(g -> all.addAll(g.subscribers));
      groups.clear();
      notifyAll();
    }
    thread.interrupt();
    all.forEach(s -> s.fail(error));
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      reader.close();
    } catch (RuntimeException e) {
      log.debug("closing the Redis connection failed (the client was shut down?)", e);
    }
  }

  private void run() {
    long backoff = 50;
    while (true) {
      List<XReadArgs.StreamOffset<String>> offsets = new ArrayList<>();
      synchronized (this) {
        while (!closed && groups.isEmpty()) {
          try {
            wait();
          } catch (InterruptedException e) {
            // closed
          }
        }
        if (closed) {
          return;
        }
        groups.forEach(
            (key, g) ->
                offsets.add(XReadArgs.StreamOffset.from(owner.stream(key), g.cursor + "-0")));
      }
      try {
        if (clientId < 0) {
          clientId = reader.sync().clientId();
        }
        @SuppressWarnings({"unchecked", "rawtypes"})
        XReadArgs.StreamOffset<String>[] array =
            (XReadArgs.StreamOffset<String>[]) offsets.toArray(new XReadArgs.StreamOffset[0]);
        List<StreamMessage<String, byte[]>> read =
            reader.sync().xread(XReadArgs.Builder.block(BLOCK).count(RedisReplayLog.PAGE), array);
        for (StreamMessage<String, byte[]> m : read) {
          dispatch(m);
        }
        backoff = 50;
      } catch (RedisException | IllegalStateException e) {
        clientId = -1;
        if (isClosed()) {
          return;
        }
        log.debug(
            "tailing the replay streams failed, retrying in {} ms: {}", backoff, e.toString());
        try {
          Thread.sleep(backoff);
        } catch (InterruptedException interrupted) {
          return;
        }
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private void dispatch(StreamMessage<String, byte[]> m) {
    String key = owner.keyOf(m.getStream());
    if (key == null) {
      return;
    }
    long position = RedisReplayLog.entryPosition(m.getId());
    List<ReplaySubscription<E>> targets;
    synchronized (this) {
      Group<E> g = groups.get(key);
      if (g == null || position <= g.cursor) {
        return;
      }
      g.cursor = position;
      targets = g.subscribers;
    }
    E event;
    try {
      event = owner.decode(m.getBody().get("e"));
    } catch (IOException | RuntimeException e) {
      log.warn("an event of {} at {} does not decode: {}", key, position, e.toString());
      return; // its subscribers find the gap and read it themselves (and fail)
    }
    for (ReplaySubscription<E> s : targets) {
      s.live(position, event);
    }
  }
}
