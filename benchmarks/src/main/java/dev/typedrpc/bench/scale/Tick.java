package dev.typedrpc.bench.scale;

/**
 * One broadcast event: {@code sentNanos} is the server's {@link System#nanoTime()} when the
 * broadcast began (the monotonic clock, which every JVM on one Linux machine shares), {@code
 * sequence} counts broadcasts from 1.
 */
public record Tick(long sentNanos, long sequence) {}
