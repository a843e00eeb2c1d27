package dev.typedrpc.bench.scale;

import dev.typedrpc.bench.driver.Jvms;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The client JVM of one run: starts the server JVM, measures, and prints {@code RESULT key=value
 * ...} and the class-histogram table (lines starting {@code HISTOGRAM }) for the runner.
 */
final class ScaleClientMain {
  private static final Duration LIFETIME_LIMIT = Duration.ofMinutes(20);

  private ScaleClientMain() {}

  static void run(List<String> args) throws Exception {
    Jvms.exitAfter(LIFETIME_LIMIT, "scale benchmark client");
    ScaleOptions options = ScaleOptions.parse(args);
    Scenario run = options.runs().get(0);
    Map<String, Double> results;
    String histogram;
    try (ChildServer server = ChildServer.start(run.system(), options.jvmFlags())) {
      ScaleClient client =
          new ScaleClient(
              run,
              ScaleClient.WARMUP_CONNECTIONS,
              server,
              options.broadcasts(),
              options.histogram(),
              true);
      results = client.measure();
      histogram = client.histogramTable();
    }
    for (String line : histogram.split("\n", -1)) {
      if (!line.isEmpty()) {
        System.out.println("HISTOGRAM " + line);
      }
    }
    System.out.println(
        "RESULT "
            + results.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ")));
  }
}
