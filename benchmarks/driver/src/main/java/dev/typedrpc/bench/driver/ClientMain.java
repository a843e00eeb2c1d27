package dev.typedrpc.bench.driver;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * The client JVM of one system in one round: starts the server (its own JVM unless {@code
 * --one-jvm}), warms up, measures every workload, and prints one line {@code RESULT key=value ...}
 * for the orchestrator.
 */
public final class ClientMain {
  private ClientMain() {}

  public static void run(EchoEndpoints system, LoadOptions options) throws Exception {
    Jvms.exitAfter(options.clientLifetimeLimit(), "benchmark client");
    Map<String, Double> results;
    if (options.oneJvm()) {
      try (EchoServer server = system.startServer()) {
        results = measure(system, server.port(), ServerProbe.SAME_JVM, options);
      }
    } else {
      try (ServerProcess server = ServerProcess.start(system.serverCommand(options))) {
        results = measure(system, server.port(), server, options);
        results.put("rss.server", server.peakRssKib() / 1024.0);
      }
    }
    results.put("rss.client", ProcessStats.peakRssKib() / 1024.0);
    System.out.println(
        "RESULT "
            + results.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ")));
  }

  private static Map<String, Double> measure(
      EchoEndpoints system, int port, ServerProbe probe, LoadOptions options) throws Exception {
    try (EchoClient client = system.connect(port)) {
      Workloads workloads = new Workloads(client, probe, options);
      workloads.runAll(options.warmup(), false);
      workloads.runAll(options.seconds(), true);
      return workloads.results();
    }
  }
}
