package dev.typedrpc.bench.fanout;

import java.util.ArrayList;
import java.util.List;

/**
 * One configuration measured: where events come from, and over how many nodes the subscribers are
 * spread ({@code SOURCE:NODES}, e.g. {@code redis:3}).
 *
 * @param source {@code broadcast} (the plain method, {@code RedisBroadcast}), {@code memory} (the
 *     {@code @Resumable} method, {@code InMemoryReplayLog}, one node only: its positions are the
 *     node's own) or {@code redis} (the {@code @Resumable} method, {@code RedisReplayLog})
 * @param nodes server nodes; subscriber {@code i} connects to node {@code i % nodes}
 */
record FanoutRun(String source, int nodes) {
  static final String DEFAULTS = "broadcast:1,memory:1,redis:1,broadcast:3,redis:3";

  FanoutRun {
    if (!List.of("broadcast", "memory", "redis").contains(source)) {
      throw new IllegalArgumentException(
          "unknown source " + source + "; use broadcast, memory or redis");
    }
    if (nodes < 1 || nodes > 16) {
      throw new IllegalArgumentException("nodes must be 1 to 16, got " + nodes);
    }
    if (source.equals("memory") && nodes != 1) {
      throw new IllegalArgumentException(
          "memory:" + nodes + ": an in-memory replay log is one node's own; use memory:1");
    }
  }

  static List<FanoutRun> parseAll(String specs) {
    List<FanoutRun> runs = new ArrayList<>();
    for (String spec : specs.split(",", -1)) {
      int colon = spec.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("a run is SOURCE:NODES, e.g. redis:3; got " + spec);
      }
      runs.add(
          new FanoutRun(spec.substring(0, colon), Integer.parseInt(spec.substring(colon + 1))));
    }
    return List.copyOf(runs);
  }

  boolean resumable() {
    return !source.equals("broadcast");
  }

  /** How the report names the method and its source. */
  String title() {
    return switch (source) {
      case "broadcast" -> "plain, RedisBroadcast";
      case "memory" -> "@Resumable, InMemoryReplayLog";
      default -> "@Resumable, RedisReplayLog";
    };
  }

  @Override
  public String toString() {
    return source + ":" + nodes;
  }
}
