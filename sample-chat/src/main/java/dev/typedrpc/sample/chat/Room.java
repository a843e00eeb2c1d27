package dev.typedrpc.sample.chat;

import dev.typedrpc.replay.ReplayLog;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One room: its members on this server, and its events in the chat's {@link ReplayLog} (under the
 * room's name), from which subscriptions read and the {@link ChatStore} answers the history. A
 * message's sequence number is its position in the log. Every change and its event happen under the
 * room's lock, so a {@link Welcome}'s snapshot and position agree. Thread-safe.
 */
final class Room {
  static final int HISTORY = 100;

  /** Where the departures of users whose last subscription ended are written: one thread. */
  private static final ThreadPoolExecutor LEAVES =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(10_000),
          r -> {
            Thread t = new Thread(r, "chat-leaves");
            t.setDaemon(true);
            return t;
          });

  private final String name;
  private final Clock clock;
  private final ChatStore store;
  private final ReplayLog<String, RoomUpdate> log;
  private final Set<String> members = new TreeSet<>(); // guarded by this
  private final Map<String, Integer> feeds = new HashMap<>(); // guarded by this: per user

  Room(String name, Clock clock, ChatStore store) {
    this.name = name;
    this.clock = clock;
    this.store = store;
    this.log = store.log();
  }

  synchronized Welcome join(String user) {
    long before =
        members.add(user)
            ? publish(new RoomEvent.MemberJoined(name, user, clock.instant())) - 1
            : log.position(name);
    return new Welcome(name, List.copyOf(members), store.history(name, before, HISTORY), before);
  }

  synchronized void leave(String user) {
    if (members.remove(user)) {
      publish(new RoomEvent.MemberLeft(name, user, clock.instant()));
    }
  }

  synchronized Posted post(String user, String text) {
    Instant at = clock.instant();
    long position =
        log.append(
                name,
                p ->
                    new RoomUpdate(
                        p, new RoomEvent.MessagePosted(new ChatMessage(p, name, user, text, at))))
            .position();
    return new Posted(position, at);
  }

  /** A subscription of {@code user} starts: they are in the room while it lasts. */
  synchronized void feedOpened(String user) {
    feeds.merge(user, 1, Integer::sum);
    if (members.add(user)) {
      publish(new RoomEvent.MemberJoined(name, user, clock.instant()));
    }
  }

  /**
   * A subscription of {@code user} ended: with their last one, they leave, on a thread of {@link
   * #LEAVES} (the caller may be a transport's, and leaving writes to the store), unless they
   * subscribed again meanwhile.
   */
  void feedClosed(String user) {
    boolean last;
    synchronized (this) {
      Integer left = feeds.merge(user, -1, Integer::sum);
      last = left != null && left <= 0;
      if (last) {
        feeds.remove(user);
      }
    }
    if (last) {
      try {
        LEAVES.execute(() -> leaveWithoutFeed(user));
      } catch (RejectedExecutionException e) {
        // 10,000 leaves queued: this one is dropped, the user stays listed until they leave
      }
    }
  }

  private synchronized void leaveWithoutFeed(String user) {
    if (!feeds.containsKey(user)) {
      try {
        leave(user);
      } catch (RuntimeException e) {
        // the store failed (Redis unreachable): the departure goes unannounced
      }
    }
  }

  List<ChatMessage> history(int limit) {
    return store.history(name, Long.MAX_VALUE, Math.min(Math.max(0, limit), HISTORY));
  }

  synchronized boolean has(String user) {
    return members.contains(user);
  }

  synchronized List<String> members() {
    return List.copyOf(members);
  }

  /** Appends {@code event} to the room's log; its position. */
  private long publish(RoomEvent event) {
    return log.append(name, p -> new RoomUpdate(p, event)).position();
  }
}
