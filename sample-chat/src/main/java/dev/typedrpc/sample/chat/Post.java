package dev.typedrpc.sample.chat;

/** A message someone wants to post. */
public record Post(String room, String user, String text) {}
