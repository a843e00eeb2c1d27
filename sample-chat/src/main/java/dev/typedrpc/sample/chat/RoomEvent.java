package dev.typedrpc.sample.chat;

import java.time.Instant;

/** Something that happened in a room: on the wire, a message with a {@code oneof}. */
public sealed interface RoomEvent
    permits RoomEvent.MessagePosted, RoomEvent.MemberJoined, RoomEvent.MemberLeft {

  /** A message was posted. */
  record MessagePosted(ChatMessage message) implements RoomEvent {}

  /** Someone entered the room. */
  record MemberJoined(String room, String user, Instant at) implements RoomEvent {}

  /** Someone left the room (or their connection ended). */
  record MemberLeft(String room, String user, Instant at) implements RoomEvent {}
}
