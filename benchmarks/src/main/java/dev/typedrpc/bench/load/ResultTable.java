package dev.typedrpc.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Formats the end-to-end results: one row per metric, one column per system with the median over
 * rounds and the range, then the ratios typedrpc WebSocket / gRPC-Java, typedrpc WebSocket / raw
 * Netty, typedrpc HTTP/2 / gRPC-Java and gRPC-Java's client against typedrpc's server / gRPC-Java,
 * and the target.
 */
final class ResultTable {
  private record Row(String label, String key, String format, String target) {}

  private static final List<Row> ROWS =
      List.of(
          new Row("unary 1 at a time, 32 B: calls/s", "unary1.32.rate", "%,.0f", ""),
          new Row(
              "unary 1 at a time, 32 B: p50 µs",
              "unary1.32.p50us",
              "%.1f",
              "A/D ≤ 0.75, A/E ≤ 1.3"),
          new Row("unary 1 at a time, 32 B: p99 µs", "unary1.32.p99us", "%.1f", "A/D ≤ 0.75"),
          new Row("unary 1 at a time, 32 B: p99.9 µs", "unary1.32.p999us", "%.1f", ""),
          new Row("unary 1 at a time, 1 KiB: calls/s", "unary1.1024.rate", "%,.0f", ""),
          new Row("unary 1 at a time, 1 KiB: p50 µs", "unary1.1024.p50us", "%.1f", ""),
          new Row("unary 1 at a time, 1 KiB: p99 µs", "unary1.1024.p99us", "%.1f", ""),
          new Row("unary 1 at a time, 1 KiB: p99.9 µs", "unary1.1024.p999us", "%.1f", ""),
          new Row("unary 64 in flight, 32 B: calls/s", "unary64.32.rate", "%,.0f", "A/D ≥ 2"),
          new Row("unary 64 in flight, 1 KiB: calls/s", "unary64.1024.rate", "%,.0f", "A/D ≥ 2"),
          new Row("server streaming, 32 B: messages/s", "stream.32.rate", "%,.0f", "A/D ≥ 2"),
          new Row(
              "heap B/call, unary 1 at a time 32 B, client", "unary1.32.allocClient", "%,.0f", ""),
          new Row(
              "heap B/call, unary 1 at a time 32 B, server", "unary1.32.allocServer", "%,.0f", ""),
          new Row(
              "heap B/call, unary 1 at a time 32 B, total",
              "unary1.32.allocTotal",
              "%,.0f",
              "A/D ≤ 0.25"),
          new Row(
              "heap B/call, unary 64 in flight 32 B, total",
              "unary64.32.allocTotal",
              "%,.0f",
              "A/D ≤ 0.25"),
          new Row("heap B/message, streaming 32 B, total", "stream.32.allocTotal", "%,.0f", ""),
          new Row(
              "CPU ns/call, unary 1 at a time 32 B, total", "unary1.32.cpuTotalNs", "%,.0f", ""),
          new Row(
              "CPU ns/call, unary 64 in flight 32 B, total", "unary64.32.cpuTotalNs", "%,.0f", ""),
          new Row(
              "CPU ns/call, unary 64 in flight 1 KiB, total",
              "unary64.1024.cpuTotalNs",
              "%,.0f",
              ""),
          new Row("CPU ns/message, streaming 32 B, total", "stream.32.cpuTotalNs", "%,.0f", ""),
          new Row("peak RSS client, MiB", "rss.client", "%,.0f", ""),
          new Row("peak RSS server, MiB", "rss.server", "%,.0f", ""));

  private final LoadOptions options;
  private final Map<EchoSystem, List<Map<String, Double>>> rounds;
  private final Map<EchoSystem, String> unavailable;

  ResultTable(
      LoadOptions options,
      Map<EchoSystem, List<Map<String, Double>>> rounds,
      Map<EchoSystem, String> unavailable) {
    this.options = options;
    this.rounds = rounds;
    this.unavailable = unavailable;
  }

  String toMarkdown() {
    StringBuilder md = new StringBuilder();
    md.append(
        String.format(
            Locale.ROOT,
            "End to end: median (min–max) of %d rounds × %.1f s per measurement, %s, loopback 127.0.0.1, %s I/O.%n%n",
            options.rounds(),
            options.seconds().toMillis() / 1000.0,
            options.oneJvm()
                ? "server and client in one JVM"
                : "server and client in separate JVMs",
            RawNettyEcho.ioType()));
    List<EchoSystem> columns = List.of(EchoSystem.values());
    md.append("| metric |");
    columns.forEach(s -> md.append(' ').append(s.letter).append(": ").append(s.title).append(" |"));
    md.append(" A/D | A/E | B/D | F/D | target |\n|---|");
    columns.forEach(s -> md.append("---:|"));
    md.append("---:|---:|---:|---:|---|\n");
    for (Row row : ROWS) {
      md.append("| ").append(row.label()).append(" |");
      for (EchoSystem s : columns) {
        md.append(' ').append(cell(s, row)).append(" |");
      }
      md.append(' ').append(ratio(EchoSystem.TYPEDRPC_WS, EchoSystem.GRPC, row.key())).append(" |");
      md.append(' ')
          .append(ratio(EchoSystem.TYPEDRPC_WS, EchoSystem.RAW_NETTY, row.key()))
          .append(" |");
      md.append(' ')
          .append(ratio(EchoSystem.TYPEDRPC_HTTP2, EchoSystem.GRPC, row.key()))
          .append(" |");
      md.append(' ')
          .append(ratio(EchoSystem.GRPC_TO_TYPEDRPC, EchoSystem.GRPC, row.key()))
          .append(" |");
      md.append(' ').append(row.target()).append(" |\n");
    }
    unavailable.forEach(
        (s, reason) ->
            md.append("\n")
                .append(s.letter)
                .append(" (")
                .append(s.title)
                .append("): not run — ")
                .append(reason)
                .append("."));
    return md.append('\n').toString();
  }

  private List<Double> samples(EchoSystem system, String key) {
    List<Double> values = new ArrayList<>();
    for (Map<String, Double> round : rounds.getOrDefault(system, List.of())) {
      Double v = round.get(key);
      if (v != null && v >= 0) {
        values.add(v);
      }
    }
    values.sort(null);
    return values;
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private String cell(EchoSystem system, Row row) {
    if (unavailable.containsKey(system)) {
      return "n/a";
    }
    List<Double> values = samples(system, row.key());
    if (values.isEmpty()) {
      return "—";
    }
    String f = row.format();
    return String.format(
        Locale.ROOT,
        f + " (" + f + "–" + f + ")",
        median(values),
        values.get(0),
        values.get(values.size() - 1));
  }

  private String ratio(EchoSystem a, EchoSystem b, String key) {
    List<Double> x = samples(a, key);
    List<Double> y = samples(b, key);
    if (x.isEmpty() || y.isEmpty() || median(y) == 0) {
      return "—";
    }
    return String.format(Locale.ROOT, "%.2f", median(x) / median(y));
  }
}
