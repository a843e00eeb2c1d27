package dev.typedrpc.sample.chat;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/** One room: members, a bounded history and live subscribers. Thread-safe. */
final class Room {
  static final int HISTORY = 100;

  private final String name;
  private final Clock clock;
  private final Set<String> members = new TreeSet<>(); // guarded by this
  private final ArrayDeque<ChatMessage> history = new ArrayDeque<>(); // guarded by this
  private final List<RoomSubscription> subscribers = new CopyOnWriteArrayList<>();
  private long nextSequence = 1; // guarded by this

  Room(String name, Clock clock) {
    this.name = name;
    this.clock = clock;
  }

  Welcome join(String user) {
    boolean added;
    Welcome welcome;
    synchronized (this) {
      added = members.add(user);
      welcome = new Welcome(name, List.copyOf(members), List.copyOf(history));
    }
    if (added) {
      publish(new RoomEvent.MemberJoined(name, user, clock.instant()));
    }
    return welcome;
  }

  void leave(String user) {
    boolean removed;
    synchronized (this) {
      removed = members.remove(user);
    }
    if (removed) {
      publish(new RoomEvent.MemberLeft(name, user, clock.instant()));
    }
  }

  Posted post(String user, String text) {
    ChatMessage message;
    synchronized (this) {
      message = new ChatMessage(nextSequence++, name, user, text, clock.instant());
      history.addLast(message);
      if (history.size() > HISTORY) {
        history.removeFirst();
      }
    }
    publish(new RoomEvent.MessagePosted(message));
    return new Posted(message.sequence(), message.at());
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

  void add(RoomSubscription s) {
    subscribers.add(s);
  }

  void remove(RoomSubscription s) {
    subscribers.remove(s);
  }

  private void publish(RoomEvent event) {
    for (RoomSubscription s : subscribers) {
      s.offer(event);
    }
  }
}
