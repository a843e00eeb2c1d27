package dev.typedrpc.sample.chat;

/** What a member of a room is doing, as others see it. */
public enum Activity {
  /** In the room, attending (the page is visible). */
  ONLINE,
  /** In the room, but away (e.g. the page's tab is hidden). */
  AWAY,
  /** Writing a message. */
  TYPING
}
