package dev.typedrpc.presence;

/** What a member is doing, as far as a topic's watchers are told. */
public enum PresenceState {
  /** Connected and available. */
  ONLINE,
  /** Connected but idle or away. */
  AWAY,
  /** Connected and typing. */
  TYPING
}
