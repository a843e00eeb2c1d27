package dev.typedrpc.sample.chat;

/** A member of a room and what they are doing. */
public record MemberPresence(String user, Activity activity) {}
