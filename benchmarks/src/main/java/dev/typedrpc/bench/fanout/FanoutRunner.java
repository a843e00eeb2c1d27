package dev.typedrpc.bench.fanout;

import dev.typedrpc.bench.load.LocalRedis;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fan-out benchmark's entry points, for {@code BenchMain}: starts a redis-server of its own and
 * the node JVMs (as many as the largest run needs, shared by every run), then measures each run in
 * every round, with the subscribers and the poster in this JVM.
 */
public final class FanoutRunner {
  private FanoutRunner() {}

  /** Runs the benchmark; returns the report in Markdown. */
  public static String run(List<String> args) throws Exception {
    FanoutOptions options = FanoutOptions.parse(args);
    LocalRedis redis = LocalRedis.start();
    if (redis == null) {
      return "## Fan-out\n\nNot measured: no redis-server (set REDIS_SERVER or put it on the"
          + " PATH).\n";
    }
    Map<FanoutRun, List<Measured[]>> results = new LinkedHashMap<>();
    Map<FanoutRun, String> failures = new LinkedHashMap<>();
    List<NodeProcess> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < options.nodes(); i++) {
        nodes.add(NodeProcess.start(options.jvmFlags(), redis.uri()));
      }
      List<Integer> ports = nodes.stream().map(NodeProcess::port).toList();
      for (int round = 1; round <= options.rounds(); round++) {
        for (FanoutRun run : options.runs()) {
          System.err.println("fanout: round " + round + ", " + run);
          String topic = "feed-" + run.source() + "-" + run.nodes() + "-" + round;
          try (FanoutClient client = new FanoutClient(run, ports, options, topic)) {
            results.computeIfAbsent(run, r -> new ArrayList<>()).add(client.measure());
          } catch (Exception e) {
            System.err.println("fanout: " + run + " failed: " + e);
            failures.putIfAbsent(run, e.toString());
          }
        }
      }
    } finally {
      nodes.forEach(NodeProcess::close);
      redis.close();
    }
    return FanoutTable.toMarkdown(options, results, failures);
  }

  /** Runs a child JVM's part: {@code _fanout-node REDIS_URI}. */
  public static void child(List<String> args) throws Exception {
    FanoutNode.run(args.get(0));
  }
}
