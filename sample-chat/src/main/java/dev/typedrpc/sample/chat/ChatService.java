package dev.typedrpc.sample.chat;

import dev.typedrpc.annotations.Resumable;
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
  /**
   * Enters a room (created on first use); returns who is there, the recent messages and the
   * position to {@linkplain #subscribe subscribe} after.
   */
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
   * The room's events after the call's position ({@code CallOptions.withResumeAfter}, e.g. {@link
   * Welcome#position()}): nothing between {@code join} and this call is missed. Without a position,
   * the events from now on. Resumable: the stream survives a lost connection or a switch of
   * transport, each event arriving once. {@code user} is in the room while a subscription of theirs
   * lasts (subscribing brings them back after a lost connection made them leave); when the last
   * ends, they leave.
   */
  @Resumable
  Flow.Publisher<RoomUpdate> subscribe(String room, String user);

  /**
   * Who is in the room and what they are doing ({@link Activity}): a snapshot, then each change.
   * {@code user} is present, {@code ONLINE}, while this call lasts (it leaves when the call ends,
   * is cancelled or its connection is lost); {@link #setActivity} changes what the others see.
   */
  Flow.Publisher<PresenceUpdate> presence(String room, String user);

  /**
   * Sets what {@code user} is doing in the room, as shown to the watchers of {@link #presence}
   * ({@code FAILED_PRECONDITION} if {@code user} has no {@code presence} call open there).
   */
  void setActivity(String room, String user, Activity activity);

  /**
   * A latency probe: answers each {@link Ping} with a {@link Pong} of the same sequence, at once
   * and in order, for as long as the client keeps the call open. The web page's connection
   * indicator shows the round-trip time it measures.
   */
  Flow.Publisher<Pong> ping(Flow.Publisher<Ping> pings);
}
