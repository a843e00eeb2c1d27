package dev.typedrpc.sample.chat;

import dev.typedrpc.replay.ReplayLog;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One room: members, a bounded history, and its events in the chat's {@link ReplayLog} (under the
 * room's name), from which subscriptions read. Every change and its event happen under the room's
 * lock, so a {@link Welcome}'s snapshot and position agree. Thread-safe.
 */
final class Room {
  static final int HISTORY = 100;

  private final String name;
  private final Clock clock;
  private final ReplayLog<String, RoomUpdate> log;
  private final Set<String> members = new TreeSet<>(); // guarded by this
  private final ArrayDeque<ChatMessage> history = new ArrayDeque<>(); // guarded by this
  private final Map<String, Integer> feeds = new HashMap<>(); // guarded by this: per user
  private long nextSequence = 1; // guarded by this

  Room(String name, Clock clock, ReplayLog<String, RoomUpdate> log) {
    this.name = name;
    this.clock = clock;
    this.log = log;
  }

  synchronized Welcome join(String user) {
    long before =
        members.add(user)
            ? publish(new RoomEvent.MemberJoined(name, user, clock.instant())) - 1
            : log.position(name);
    return new Welcome(name, List.copyOf(members), List.copyOf(history), before);
  }

  synchronized void leave(String user) {
    if (members.remove(user)) {
      publish(new RoomEvent.MemberLeft(name, user, clock.instant()));
    }
  }

  synchronized Posted post(String user, String text) {
    ChatMessage message = new ChatMessage(nextSequence++, name, user, text, clock.instant());
    history.addLast(message);
    if (history.size() > HISTORY) {
      history.removeFirst();
    }
    publish(new RoomEvent.MessagePosted(message));
    return new Posted(message.sequence(), message.at());
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

  synchronized List<ChatMessage> history(int limit) {
    List<ChatMessage> all = new ArrayList<>(history);
    return List.copyOf(all.subList(Math.max(0, all.size() - Math.max(0, limit)), all.size()));
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
