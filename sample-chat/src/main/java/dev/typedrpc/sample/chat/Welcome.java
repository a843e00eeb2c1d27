package dev.typedrpc.sample.chat;

import java.util.List;

/** What a user sees on entering a room. */
public record Welcome(String room, List<String> members, List<ChatMessage> recent) {}
