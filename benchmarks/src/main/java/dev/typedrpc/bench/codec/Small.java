package dev.typedrpc.bench.codec;

/** The small message: a few scalars. */
public record Small(int id, long timestampMillis, double score, boolean active) {}
