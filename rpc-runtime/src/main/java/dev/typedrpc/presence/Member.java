package dev.typedrpc.presence;

import java.util.Map;
import java.util.Objects;

/**
 * One member of a topic: its id (unique in the topic), its state, and free-form string attributes
 * (a display name, a device). Immutable. Bounded: an id is 1 to {@value #MAX_ID_LENGTH} characters,
 * there are at most {@value #MAX_ATTRIBUTES} attributes, names of at most {@value
 * #MAX_ATTRIBUTE_NAME_LENGTH} characters and values of at most {@value
 * #MAX_ATTRIBUTE_VALUE_LENGTH}; anything else fails with {@link IllegalArgumentException}.
 */
public record Member(String id, PresenceState state, Map<String, String> attributes) {
  public static final int MAX_ID_LENGTH = 256;
  public static final int MAX_ATTRIBUTES = 32;
  public static final int MAX_ATTRIBUTE_NAME_LENGTH = 64;
  public static final int MAX_ATTRIBUTE_VALUE_LENGTH = 1024;

  public Member {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(attributes, "attributes");
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          "a member id has 1 to " + MAX_ID_LENGTH + " characters, not " + id.length());
    }
    if (attributes.size() > MAX_ATTRIBUTES) {
      throw new IllegalArgumentException(
          "a member has at most " + MAX_ATTRIBUTES + " attributes, not " + attributes.size());
    }
    attributes.forEach(
        (name, value) -> {
          if (name.isEmpty() || name.length() > MAX_ATTRIBUTE_NAME_LENGTH) {
            throw new IllegalArgumentException(
                "an attribute name has 1 to " + MAX_ATTRIBUTE_NAME_LENGTH + " characters");
          }
          if (value.length() > MAX_ATTRIBUTE_VALUE_LENGTH) {
            throw new IllegalArgumentException(
                "attribute " + name + " is longer than " + MAX_ATTRIBUTE_VALUE_LENGTH);
          }
        });
    attributes = Map.copyOf(attributes);
  }

  /** A member {@link PresenceState#ONLINE} without attributes. */
  public static Member online(String id) {
    return new Member(id, PresenceState.ONLINE, Map.of());
  }

  /** This member in {@code state}. */
  public Member withState(PresenceState state) {
    return new Member(id, state, attributes);
  }

  /** This member with {@code attributes} instead of its own. */
  public Member withAttributes(Map<String, String> attributes) {
    return new Member(id, state, attributes);
  }
}
