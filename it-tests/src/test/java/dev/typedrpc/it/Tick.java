package dev.typedrpc.it;

/** One item of a stream. */
public record Tick(long n) {}
