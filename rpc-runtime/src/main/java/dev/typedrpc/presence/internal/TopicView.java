package dev.typedrpc.presence.internal;

import dev.typedrpc.presence.Member;
import dev.typedrpc.presence.PresenceEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The members of one topic as this node knows them, and this node's watchers of it. Changes are
 * applied under its lock and queued to every watcher in order; the {@link Runnable} each change
 * returns delivers them, to be run outside the caller's locks. Until its first {@link #reset} a
 * view that is not {@code ready} (its members still being fetched) sends watchers nothing.
 */
public final class TopicView {
  private final String topic;
  private final Map<String, Member> members = new LinkedHashMap<>(); // guarded by this
  private final List<Watcher> watchers = new ArrayList<>(); // guarded by this
  private boolean ready; // guarded by this

  public TopicView(String topic, boolean ready) {
    this.topic = topic;
    this.ready = ready;
  }

  public String topic() {
    return topic;
  }

  public synchronized List<Member> members() {
    return List.copyOf(members.values());
  }

  public synchronized int memberCount() {
    return members.size();
  }

  public synchronized int watcherCount() {
    return watchers.size();
  }

  public synchronized boolean isEmpty() {
    return members.isEmpty() && watchers.isEmpty();
  }

  /** Adds {@code watcher}, queueing it a snapshot if the view is ready; then {@code start} it. */
  public synchronized void addWatcher(Watcher watcher) {
    watchers.add(watcher);
    if (ready) {
      watcher.offer(snapshotLocked(), this::snapshotLocked);
    }
  }

  /** Whether {@code watcher} was here. */
  public synchronized boolean removeWatcher(Watcher watcher) {
    return watchers.remove(watcher);
  }

  /**
   * Applies a change: {@code JOIN} and {@code UPDATE} both set the member (watchers see {@code
   * JOIN} for a member new here, {@code UPDATE} otherwise, nothing if it is unchanged), {@code
   * LEAVE} removes it (nothing for a member not here).
   */
  public Runnable apply(PresenceEvent.Kind kind, Member member) {
    List<Watcher> toDrain;
    synchronized (this) {
      PresenceEvent event;
      if (kind == PresenceEvent.Kind.LEAVE) {
        if (members.remove(member.id()) == null) {
          return TopicView::nothing;
        }
        event = PresenceEvent.of(kind, topic, member);
      } else if (kind == PresenceEvent.Kind.SNAPSHOT) {
        throw new IllegalArgumentException("use reset for a snapshot");
      } else {
        Member previous = members.put(member.id(), member);
        if (member.equals(previous)) {
          return TopicView::nothing;
        }
        event =
            PresenceEvent.of(
                previous == null ? PresenceEvent.Kind.JOIN : PresenceEvent.Kind.UPDATE,
                topic,
                member);
      }
      if (!ready || watchers.isEmpty()) {
        return TopicView::nothing;
      }
      for (Watcher w : watchers) {
        w.offer(event, this::snapshotLocked);
      }
      toDrain = List.copyOf(watchers);
    }
    return () -> toDrain.forEach(Watcher::drain);
  }

  /** Replaces the members with {@code all}; every watcher gets a snapshot. The view is ready. */
  public Runnable reset(List<Member> all) {
    List<Watcher> toDrain;
    synchronized (this) {
      members.clear();
      for (Member m : all) {
        members.put(m.id(), m);
      }
      ready = true;
      PresenceEvent snapshot = snapshotLocked();
      for (Watcher w : watchers) {
        w.offer(snapshot, this::snapshotLocked);
      }
      toDrain = List.copyOf(watchers);
    }
    return () -> toDrain.forEach(Watcher::drain);
  }

  /** Completes every watcher ({@code error} null) or fails it. */
  public void finishAll(Throwable error) {
    List<Watcher> all;
    synchronized (this) {
      all = List.copyOf(watchers);
      watchers.clear();
    }
    for (Watcher w : all) {
      w.finish(error);
    }
  }

  private static void nothing() {}

  private PresenceEvent snapshotLocked() {
    return new PresenceEvent(PresenceEvent.Kind.SNAPSHOT, topic, new ArrayList<>(members.values()));
  }
}
