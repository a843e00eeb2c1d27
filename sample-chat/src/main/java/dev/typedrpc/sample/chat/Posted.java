package dev.typedrpc.sample.chat;

import java.time.Instant;

/** The server's receipt for a post: its place in the room's history and when it was accepted. */
public record Posted(long sequence, Instant at) {}
