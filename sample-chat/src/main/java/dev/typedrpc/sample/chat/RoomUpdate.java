package dev.typedrpc.sample.chat;

import dev.typedrpc.annotations.Position;

/**
 * A room's event at its position in the room's log: what {@link ChatService#subscribe} streams.
 * Positions increase with every event of a room; a subscription resumes after the last one seen.
 */
public record RoomUpdate(@Position long position, RoomEvent event) {}
