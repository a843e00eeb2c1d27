package dev.typedrpc.sample.chat;

/**
 * The answer to a {@link Ping}: its {@code sequence}, and how many pings the server has received on
 * this call so far ({@code received}), which shows that the call is still the same stream.
 */
public record Pong(int sequence, long received) {}
