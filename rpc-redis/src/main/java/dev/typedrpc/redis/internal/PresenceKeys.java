package dev.typedrpc.redis.internal;

/**
 * The Redis names of one topic's presence, under a prefix; the topic sits between braces (a Redis
 * Cluster hash tag), so a topic's keys share a slot and one script can touch them all.
 *
 * <ul>
 *   <li>{@code <prefix>:{<topic>}:members}: a hash, member id to {@code <owner token>|<member
 *       JSON>}
 *   <li>{@code <prefix>:{<topic>}:expiry}: a sorted set, member id scored by when it expires (Redis
 *       time, milliseconds)
 *   <li>{@code <prefix>:{<topic>}:seq}: the number of the topic's last event
 *   <li>{@code <prefix>:{<topic>}:events}: the pub/sub channel of its events, {@code
 *       <JOIN|UPDATE|LEAVE>|<seq>|<member JSON>}
 * </ul>
 */
public record PresenceKeys(String members, String expiry, String seq, String channel) {
  public static PresenceKeys of(String prefix, String topic) {
    String base = prefix + ":{" + topic + "}:";
    return new PresenceKeys(base + "members", base + "expiry", base + "seq", base + "events");
  }

  /** The keys, in the order every script takes them. */
  public String[] keys() {
    return new String[] {members, expiry, seq};
  }

  /** The topic of an events channel under {@code prefix}, or null if it is not one. */
  public static String topicOf(String prefix, String channel) {
    String start = prefix + ":{";
    String end = "}:events";
    if (!channel.startsWith(start) || !channel.endsWith(end)) {
      return null;
    }
    return channel.substring(start.length(), channel.length() - end.length());
  }
}
