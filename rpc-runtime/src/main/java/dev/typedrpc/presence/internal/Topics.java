package dev.typedrpc.presence.internal;

import java.util.Objects;

/** Checks topic names. */
public final class Topics {
  public static final int MAX_LENGTH = 256;

  private Topics() {}

  /**
   * {@code topic}, if it is 1 to {@value #MAX_LENGTH} characters without control characters or
   * braces (a Redis key names its topic between braces).
   */
  public static String check(String topic) {
    Objects.requireNonNull(topic, "topic");
    if (topic.isEmpty() || topic.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "a topic has 1 to " + MAX_LENGTH + " characters, not " + topic.length());
    }
    for (int i = 0; i < topic.length(); i++) {
      char c = topic.charAt(i);
      if (Character.isISOControl(c) || c == '{' || c == '}') {
        throw new IllegalArgumentException(
            "a topic holds no control character or brace: " + topic.substring(0, i) + "…");
      }
    }
    return topic;
  }
}
