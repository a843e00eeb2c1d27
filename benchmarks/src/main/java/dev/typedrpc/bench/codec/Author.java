package dev.typedrpc.bench.codec;

/** The nested record of {@link ChatMessage}. */
public record Author(String name, long id) {}
