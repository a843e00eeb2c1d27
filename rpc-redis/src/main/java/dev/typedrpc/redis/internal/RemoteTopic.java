package dev.typedrpc.redis.internal;

import dev.typedrpc.presence.Member;
import dev.typedrpc.presence.PresenceEvent;
import dev.typedrpc.presence.internal.TopicView;
import java.util.ArrayList;
import java.util.List;

/**
 * A node's view of a topic kept in Redis: a snapshot, then the topic's numbered events, applied
 * only in sequence. A gap, or a number going back (found by {@link #onSwept}: Redis restarted), or
 * an event lost while disconnected (also found by {@link #onSwept}) makes the caller {@linkplain
 * #startSync resync}: events arriving meanwhile wait (at most {@value #MAX_BUFFERED}) and those
 * newer than the snapshot apply after it. Each method returns what to run outside locks, or whether
 * a resync is needed.
 */
public final class RemoteTopic {
  static final int MAX_BUFFERED = 4096;

  /** An event as it came from Redis. */
  public record Event(PresenceEvent.Kind kind, long seq, Member member) {}

  private final TopicView view;
  private final PresenceKeys keys;
  private long seq = -1; // guarded by this: the last event applied; -1 until synced
  private boolean syncing; // guarded by this
  private boolean overflowed; // guarded by this
  private long lastSwept = -1; // guarded by this
  private boolean subscribed; // guarded by this
  private final List<Event> buffered = new ArrayList<>(); // guarded by this
  private final List<Runnable> deliveries = new ArrayList<>(); // guarded by this

  public RemoteTopic(String topic, PresenceKeys keys) {
    this.view = new TopicView(topic, false);
    this.keys = keys;
  }

  public TopicView view() {
    return view;
  }

  public PresenceKeys keys() {
    return keys;
  }

  public synchronized boolean isSubscribed() {
    return subscribed;
  }

  public synchronized void subscribed(boolean subscribed) {
    this.subscribed = subscribed;
  }

  /** Applies {@code event}; true if the topic needs a resync. Then run {@link #deliver()}. */
  public synchronized boolean onEvent(Event event) {
    if (syncing) {
      if (buffered.size() >= MAX_BUFFERED) {
        overflowed = true;
        buffered.clear();
      } else {
        buffered.add(event);
      }
      return false;
    }
    return !applyLocked(event);
  }

  /** Starts a resync unless one is running: true if the caller should fetch a snapshot. */
  public synchronized boolean startSync() {
    if (syncing) {
      return false;
    }
    syncing = true;
    overflowed = false;
    buffered.clear();
    return true;
  }

  /** The snapshot failed: the next event, or sweep, starts another. */
  public synchronized void syncFailed() {
    syncing = false;
    seq = -1;
    buffered.clear();
  }

  /**
   * Replaces the view by a snapshot taken at event {@code snapshotSeq}, then applies the newer
   * events that arrived meanwhile; true if the topic needs another resync.
   */
  public synchronized boolean onSnapshot(long snapshotSeq, List<Member> members) {
    syncing = false;
    seq = snapshotSeq;
    lastSwept = -1;
    deliveries.add(view.reset(members));
    boolean again = overflowed;
    for (Event e : buffered) {
      if (e.seq() > seq && !applyLocked(e)) {
        again = true;
        break;
      }
    }
    buffered.clear();
    overflowed = false;
    return again;
  }

  /**
   * Compares the view with Redis's last event number, read by a sweep: true if the view went wrong
   * (the number went back, as when Redis restarted empty, or the view has not reached the number
   * the previous sweep read, so an event was lost).
   */
  public synchronized boolean onSwept(long redisSeq) {
    if (syncing) {
      return false;
    }
    boolean stale = seq < 0 || redisSeq < seq || (lastSwept >= 0 && seq < lastSwept);
    lastSwept = redisSeq;
    return stale;
  }

  /** Delivers what the last calls queued to watchers; outside any lock. */
  public void deliver() {
    List<Runnable> toRun;
    synchronized (this) {
      if (deliveries.isEmpty()) {
        return;
      }
      toRun = List.copyOf(deliveries);
      deliveries.clear();
    }
    toRun.forEach(Runnable::run);
  }

  /**
   * Applies the next event; an older one is already in the view (a snapshot raced it) and is
   * skipped. False for a gap, or before the first snapshot.
   */
  private boolean applyLocked(Event event) {
    if (seq >= 0 && event.seq() <= seq) {
      return true;
    }
    if (seq < 0 || event.seq() != seq + 1) {
      return false;
    }
    seq = event.seq();
    deliveries.add(view.apply(event.kind(), event.member()));
    return true;
  }
}
