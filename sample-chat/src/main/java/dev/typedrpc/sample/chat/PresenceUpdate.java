package dev.typedrpc.sample.chat;

import java.util.List;

/**
 * A change to who is in a room, as {@link ChatService#presence} streams it: first a {@code
 * SNAPSHOT} of every member, then one {@code JOINED}, {@code CHANGED} or {@code LEFT} per change
 * (one member each); a later {@code SNAPSHOT} replaces everything known before.
 */
public record PresenceUpdate(Change change, List<MemberPresence> members) {
  /** What happened. */
  public enum Change {
    SNAPSHOT,
    JOINED,
    CHANGED,
    LEFT
  }
}
