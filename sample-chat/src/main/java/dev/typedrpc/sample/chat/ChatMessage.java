package dev.typedrpc.sample.chat;

import java.time.Instant;

/** A message in a room's history. */
public record ChatMessage(long sequence, String room, String user, String text, Instant at) {}
