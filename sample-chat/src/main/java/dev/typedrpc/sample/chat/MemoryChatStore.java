package dev.typedrpc.sample.chat;

import dev.typedrpc.presence.InMemoryPresence;
import dev.typedrpc.presence.Presence;
import dev.typedrpc.replay.InMemoryReplayLog;
import dev.typedrpc.replay.ReplayLog;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.function.LongFunction;

/**
 * A {@link ChatStore} in this process's memory: the events in an {@link InMemoryReplayLog} (the
 * last 1,024 per room), the last {@code keep} messages per room, presence in {@link
 * InMemoryPresence}. A restarted server starts empty, and a client resuming from the old one gets
 * {@code DATA_LOSS}. Thread-safe.
 */
final class MemoryChatStore implements ChatStore, ReplayLog<String, RoomUpdate> {
  private final ReplayLog<String, RoomUpdate> events = InMemoryReplayLog.create();
  private final Presence presence = InMemoryPresence.create();
  private final int keep;
  // per room, its last messages; as many rooms as the server has
  private final ConcurrentHashMap<String, ArrayDeque<ChatMessage>> messages =
      new ConcurrentHashMap<>();

  MemoryChatStore(int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least 1 message per room, not " + keep);
    }
    this.keep = keep;
  }

  @Override
  public ReplayLog<String, RoomUpdate> log() {
    return this;
  }

  @Override
  public RoomUpdate append(String room, LongFunction<? extends RoomUpdate> event) {
    RoomUpdate update = events.append(room, event);
    if (update.event() instanceof RoomEvent.MessagePosted posted) {
      ArrayDeque<ChatMessage> kept = messages.computeIfAbsent(room, r -> new ArrayDeque<>());
      synchronized (kept) {
        kept.addLast(posted.message());
        if (kept.size() > keep) {
          kept.removeFirst();
        }
      }
    }
    return update;
  }

  @Override
  public long position(String room) {
    return events.position(room);
  }

  @Override
  public Flow.Publisher<RoomUpdate> subscribe(String room, OptionalLong after) {
    return events.subscribe(room, after);
  }

  @Override
  public List<ChatMessage> history(String room, long upTo, int limit) {
    ArrayDeque<ChatMessage> kept = messages.get(room);
    if (kept == null) {
      return List.of();
    }
    List<ChatMessage> upToPosition = new ArrayList<>();
    synchronized (kept) {
      for (ChatMessage m : kept) {
        if (m.sequence() <= upTo) {
          upToPosition.add(m);
        }
      }
    }
    int from = Math.max(0, upToPosition.size() - Math.max(0, limit));
    return List.copyOf(upToPosition.subList(from, upToPosition.size()));
  }

  @Override
  public Presence presence() {
    return presence;
  }

  @Override
  public void close() {
    presence.close();
  }
}
