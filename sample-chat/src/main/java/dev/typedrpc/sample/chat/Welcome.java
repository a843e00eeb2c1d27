package dev.typedrpc.sample.chat;

import java.util.List;

/**
 * What a user sees on entering a room: who is there, the recent messages, and the room's position
 * just before the user's arrival; a subscription started after it ({@code
 * CallOptions.withResumeAfter(position)}) sees every event from the arrival on, however late it
 * starts.
 */
public record Welcome(String room, List<String> members, List<ChatMessage> recent, long position) {}
