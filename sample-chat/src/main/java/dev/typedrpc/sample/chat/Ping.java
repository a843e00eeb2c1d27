package dev.typedrpc.sample.chat;

/**
 * A latency probe sent on {@link ChatService#ping}: the server answers each with a {@link Pong}
 * carrying the same {@code sequence}, so the client measures the round trip by its own clock.
 */
public record Ping(int sequence) {}
