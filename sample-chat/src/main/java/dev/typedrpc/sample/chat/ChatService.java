package dev.typedrpc.sample.chat;

import dev.typedrpc.annotations.RpcService;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A chat with rooms. This interface is the whole schema: the typedrpc processor generates the
 * client stub, the server skeleton and dispatcher, the codecs and {@code
 * META-INF/typedrpc/typedrpc.chat.ChatService.proto}.
 */
@RpcService(name = "typedrpc.chat.ChatService", version = 1)
public interface ChatService {
  /** Enters a room (created on first use); returns who is there and the recent messages. */
  Welcome join(String room, String user);

  /** Leaves a room. */
  void leave(String room, String user);

  /** Posts a message to a room; every subscriber of the room receives it. */
  Posted post(Post post);

  /** The last {@code limit} messages of a room, oldest first. */
  CompletableFuture<List<ChatMessage>> history(String room, int limit);

  /** Who is in a room. */
  List<String> members(String room);

  /**
   * The room's events as they happen. The first is {@code user}'s own {@code MemberJoined}, sent
   * once the subscription is registered: every event after it reaches this subscriber. Ending the
   * subscription (or losing the connection) makes {@code user} leave the room.
   */
  Flow.Publisher<RoomEvent> subscribe(String room, String user);
}
