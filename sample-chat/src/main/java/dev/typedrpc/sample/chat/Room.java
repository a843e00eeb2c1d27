package dev.typedrpc.sample.chat;

import dev.typedrpc.replay.ReplayLog;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One room: its members on this server, and its events in the chat's {@link ReplayLog} (under the
 * room's name), from which subscriptions read and the {@link ChatStore} answers the history. A
 * message's sequence number is its position in the log. Every change and its event happen under the
 * room's lock, so a {@link Welcome}'s snapshot and position agree. Thread-safe.
 */
final class Room {
  static final int HISTORY = 100;

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

  /** A subscription of {@code user} ended: with their last one, they leave. */
  synchronized void feedClosed(String user) {
    Integer left = feeds.merge(user, -1, Integer::sum);
    if (left != null && left <= 0) {
      feeds.remove(user);
      leave(user);
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
