package dev.typedrpc.presence;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of a {@link Presence}.
 *
 * @param ttl how long a member not tied to a call lives without a heartbeat; with a shared store,
 *     also how long a member outlives the node that stopped refreshing it (a dead node's members
 *     leave within about this long). Members are refreshed every third of it.
 * @param maxTopics topics with members or watchers at once (per node)
 * @param maxMembersPerTopic members of one topic
 * @param maxWatchers watchers at once (per node)
 * @param watcherBuffer events queued for one watcher before its backlog is replaced by a snapshot
 */
public record PresenceOptions(
    Duration ttl, int maxTopics, int maxMembersPerTopic, int maxWatchers, int watcherBuffer) {
  /** 30 s TTL, 10,000 topics, 10,000 members per topic, 10,000 watchers, 256 events each. */
  public static final PresenceOptions DEFAULT =
      new PresenceOptions(Duration.ofSeconds(30), 10_000, 10_000, 10_000, 256);

  public PresenceOptions {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.toMillis() < 30) {
      throw new IllegalArgumentException("ttl must be at least 30 ms, not " + ttl);
    }
    positive(maxTopics, "maxTopics");
    positive(maxMembersPerTopic, "maxMembersPerTopic");
    positive(maxWatchers, "maxWatchers");
    positive(watcherBuffer, "watcherBuffer");
  }

  private static void positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive, not " + value);
    }
  }

  public PresenceOptions withTtl(Duration ttl) {
    return new PresenceOptions(ttl, maxTopics, maxMembersPerTopic, maxWatchers, watcherBuffer);
  }

  public PresenceOptions withMaxTopics(int n) {
    return new PresenceOptions(ttl, n, maxMembersPerTopic, maxWatchers, watcherBuffer);
  }

  public PresenceOptions withMaxMembersPerTopic(int n) {
    return new PresenceOptions(ttl, maxTopics, n, maxWatchers, watcherBuffer);
  }

  public PresenceOptions withMaxWatchers(int n) {
    return new PresenceOptions(ttl, maxTopics, maxMembersPerTopic, n, watcherBuffer);
  }

  public PresenceOptions withWatcherBuffer(int n) {
    return new PresenceOptions(ttl, maxTopics, maxMembersPerTopic, maxWatchers, n);
  }

  /** How often members are refreshed and expiry is checked: a third of the TTL. */
  public Duration refreshInterval() {
    return ttl.dividedBy(3);
  }
}
