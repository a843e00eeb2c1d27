package dev.typedrpc.sample.chat;

import dev.typedrpc.presence.Presence;
import dev.typedrpc.replay.ReplayLog;
import java.util.List;

/**
 * Where a chat server keeps what outlives a call: each room's events (the {@link ReplayLog}
 * subscriptions read and resume from), the messages of its history, and who is present. Three
 * kinds, interchangeable: {@link MemoryChatStore} (this process only, gone with it), {@link
 * SqliteChatStore} (one node, kept in a database file across restarts) and {@link RedisChatStore}
 * (shared by every node of a cluster). Thread-safe.
 */
interface ChatStore extends AutoCloseable {
  /** The rooms' events under the room's name; a message's position is its sequence number. */
  ReplayLog<String, RoomUpdate> log();

  /**
   * The last {@code limit} messages of {@code room} at or before position {@code upTo}, oldest
   * first; what the store still keeps of them.
   */
  List<ChatMessage> history(String room, long upTo, int limit);

  /** Who is present in each room (topic: the room). */
  Presence presence();

  /** Closes what the store opened; after the server using it stopped. */
  @Override
  void close();
}
