package dev.typedrpc.bench.scale;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scale report in Markdown: one row per run, memory per connection and per stream (growth of
 * the server JVM from the warmed-up baseline to all subscriptions open), broadcast latency, and
 * each typedrpc run's heap per stream against gRPC-Java's over the same layout.
 *
 * <p>Result keys: {@code server.heap}, {@code server.rss}, {@code server.direct}, {@code client.*}
 * (the same, client JVM), {@code server.heapAfterBroadcasts} (bytes of growth, all connections);
 * {@code setup.seconds}; {@code broadcast.p50Ms}, {@code p99Ms}, {@code maxMs}, {@code loopMs}.
 */
final class ScaleTable {
  /** The target for heap per idle WebSocket connection with one subscription. */
  static final double TARGET_HEAP_PER_WS_CONNECTION = 16 * 1024;

  private record Row(Scenario run, Map<String, Double> result, String histogram, String failure) {}

  private final List<Row> rows = new ArrayList<>();

  void add(Scenario run, Map<String, Double> result, String histogram) {
    rows.add(new Row(run, result, histogram, null));
  }

  void addFailure(Scenario run, String reason) {
    rows.add(new Row(run, Map.of(), "", reason));
  }

  String toMarkdown(ScaleOptions options) {
    StringBuilder md = new StringBuilder("## Scale: idle subscriptions and one broadcast\n\n");
    md.append(
        String.format(
            "Per run: a fresh server JVM and a fresh client JVM; %d connections opened, subscribed,"
                + " broadcast to and closed to warm up; memory after full GCs before and after"
                + " opening the run's connections; %d warm-up and %d measured broadcasts.%n%n",
            ScaleClient.WARMUP_CONNECTIONS, ScaleClient.WARMUP_BROADCASTS, options.broadcasts()));
    md.append(
        "| run | connections × streams | server heap / connection | server heap / stream |"
            + " heap / stream after broadcasts | ÷ gRPC-Java heap / stream, same layout |"
            + " server RSS / connection | server direct / connection | client heap / stream |"
            + " setup s | broadcast p50 ms | p99 ms | max ms | broadcast loop ms |\n"
            + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row row : rows) {
      md.append(row(row)).append('\n');
    }
    md.append('\n').append(targets()).append('\n');
    for (Row row : rows) {
      if (!row.histogram().isEmpty()) {
        md.append("Growth of the server's live objects by class, ")
            .append(row.run())
            .append(" (top 20):\n\n")
            .append(row.histogram())
            .append('\n');
      }
    }
    return md.toString();
  }

  private String row(Row row) {
    Scenario run = row.run();
    String head =
        String.format(
            "| %s %s | %,d × %,d |",
            run.system().title, run, run.connections(), run.streamsPerConnection());
    if (row.failure() != null) {
      return head + " failed: " + row.failure() + " |";
    }
    Map<String, Double> r = row.result();
    double connections = run.connections();
    double streams = run.streams();
    Double grpc = grpcHeapPerStream(run);
    return head
        + String.format(
            Locale.ROOT,
            " %s | %s | %s | %s | %s | %s | %s | %.1f | %.2f | %.2f | %.2f | %.2f |",
            bytes(r.get("server.heap") / connections),
            bytes(r.get("server.heap") / streams),
            bytes(r.get("server.heapAfterBroadcasts") / streams),
            grpc == null || run.system() == ScaleSystem.GRPC
                ? ""
                : String.format(Locale.ROOT, "%.2f", r.get("server.heap") / streams / grpc),
            bytes(r.get("server.rss") / connections),
            bytes(r.get("server.direct") / connections),
            bytes(r.get("client.heap") / streams),
            r.get("setup.seconds"),
            r.get("broadcast.p50Ms"),
            r.get("broadcast.p99Ms"),
            r.get("broadcast.maxMs"),
            r.get("broadcast.loopMs"));
  }

  /** gRPC-Java's server heap per stream over the same connections × streams, if measured. */
  private Double grpcHeapPerStream(Scenario run) {
    for (Row row : rows) {
      Scenario other = row.run();
      if (other.system() == ScaleSystem.GRPC
          && row.failure() == null
          && other.connections() == run.connections()
          && other.streamsPerConnection() == run.streamsPerConnection()) {
        return row.result().get("server.heap") / other.streams();
      }
    }
    return null;
  }

  private String targets() {
    StringBuilder md = new StringBuilder("| target | run | result | met? |\n|---|---|---|---|\n");
    for (Row row : rows) {
      Scenario run = row.run();
      if (row.failure() != null) {
        continue;
      }
      double perStream = row.result().get("server.heap") / run.streams();
      if (run.system() == ScaleSystem.WS && run.streamsPerConnection() == 1) {
        double perConnection = row.result().get("server.heap") / run.connections();
        md.append(
            String.format(
                "| ≤ 16 KiB heap per idle WebSocket connection with one subscription | %s | %s |"
                    + " %s |%n",
                run,
                bytes(perConnection),
                perConnection <= TARGET_HEAP_PER_WS_CONNECTION ? "met" : "missed"));
      }
      Double grpc = grpcHeapPerStream(run);
      if (run.system() != ScaleSystem.GRPC && grpc != null) {
        md.append(
            String.format(
                "| less heap per stream than gRPC-Java (same layout) | %s | %s vs %s |" + " %s |%n",
                run, bytes(perStream), bytes(grpc), perStream < grpc ? "met" : "missed"));
      }
    }
    return md.toString();
  }

  private static String bytes(double value) {
    return String.format(Locale.ROOT, "%,.0f B", value);
  }
}
