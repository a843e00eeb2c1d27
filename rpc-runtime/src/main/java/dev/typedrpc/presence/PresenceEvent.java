package dev.typedrpc.presence;

import java.util.List;
import java.util.Objects;

/**
 * What a watcher of a topic is told. The first event is always a {@link Kind#SNAPSHOT} of the
 * members present; {@link Kind#JOIN}, {@link Kind#UPDATE} and {@link Kind#LEAVE} then carry one
 * member each. A later {@code SNAPSHOT} replaces everything the watcher knew: a watcher that fell
 * too far behind, or whose node lost and regained its view of the topic, gets one instead of the
 * changes it missed. Immutable.
 *
 * @param members the members present ({@code SNAPSHOT}) or the one member that changed
 */
public record PresenceEvent(Kind kind, String topic, List<Member> members) {
  /** What happened. */
  public enum Kind {
    /** {@link #members()} are all the members present now. */
    SNAPSHOT,
    /** {@link #member()} joined. */
    JOIN,
    /** {@link #member()} changed its state or attributes. */
    UPDATE,
    /** {@link #member()} left, as it was last. */
    LEAVE
  }

  public PresenceEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(topic, "topic");
    members = List.copyOf(members);
    if (kind != Kind.SNAPSHOT && members.size() != 1) {
      throw new IllegalArgumentException(kind + " carries one member, not " + members.size());
    }
  }

  /** A {@link Kind#JOIN}, {@link Kind#UPDATE} or {@link Kind#LEAVE} of {@code member}. */
  public static PresenceEvent of(Kind kind, String topic, Member member) {
    return new PresenceEvent(kind, topic, List.of(member));
  }

  /** The member that changed; fails for a {@link Kind#SNAPSHOT}. */
  public Member member() {
    if (kind == Kind.SNAPSHOT) {
      throw new IllegalStateException("a SNAPSHOT carries members(), not one member");
    }
    return members.get(0);
  }
}
