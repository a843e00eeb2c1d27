package dev.typedrpc.bench.load;

import dev.typedrpc.bench.driver.LoadOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Formats the end-to-end results: one row per metric, one column per system with the median over
 * rounds and the range, then the ratios typedrpc WebSocket / gRPC-Java, typedrpc WebSocket / raw
 * Netty, typedrpc HTTP/2 / gRPC-Java and gRPC-Java's client against typedrpc's server / gRPC-Java,
 * and the target. The raw Netty column is the ceiling: in each row the best of the {@link
 * RawVariant}s measured (by its median; higher calls/s, lower everything else), named in the cell;
 * a second table gives every variant, a third the peers ({@link PeerTable}). Rows no system
 * measured are left out.
 */
final class ResultTable {
  record Row(String label, String key, String format, String target) {}

  static final List<Row> ROWS =
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
          new Row(
              "heap B/call, unary 1 at a time 1 KiB, total", "unary1.1024.allocTotal", "%,.0f", ""),
          new Row(
              "heap B/call, unary 64 in flight 1 KiB, total",
              "unary64.1024.allocTotal",
              "%,.0f",
              ""),
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
          new Row(
              "CPU ns/call, unary 64 in flight 32 B, server",
              "unary64.32.cpuServerNs",
              "%,.0f",
              ""),
          new Row(
              "CPU ns/call, unary 64 in flight 32 B, client",
              "unary64.32.cpuClientNs",
              "%,.0f",
              ""),
          new Row("CPU ns/message, streaming 32 B, total", "stream.32.cpuTotalNs", "%,.0f", ""),
          new Row(
              "open loop, 32 B: maximum (unary 64 in flight), calls/s",
              "open.maxRate",
              "%,.0f",
              ""),
          new Row("open loop at 25 %: calls/s sent", "open25.targetRate", "%,.0f", ""),
          new Row("open loop at 25 %: p50 µs", "open25.p50us", "%.1f", ""),
          new Row("open loop at 25 %: p99 µs", "open25.p99us", "%.1f", ""),
          new Row("open loop at 25 %: p99.9 µs", "open25.p999us", "%.1f", ""),
          new Row("open loop at 50 %: calls/s sent", "open50.targetRate", "%,.0f", ""),
          new Row("open loop at 50 %: p50 µs", "open50.p50us", "%.1f", ""),
          new Row("open loop at 50 %: p99 µs", "open50.p99us", "%.1f", "A/D ≤ 0.5"),
          new Row("open loop at 50 %: p99.9 µs", "open50.p999us", "%.1f", ""),
          new Row("open loop at 80 %: calls/s sent", "open80.targetRate", "%,.0f", ""),
          new Row("open loop at 80 %: p50 µs", "open80.p50us", "%.1f", ""),
          new Row("open loop at 80 %: p99 µs", "open80.p99us", "%.1f", ""),
          new Row("open loop at 80 %: p99.9 µs", "open80.p999us", "%.1f", ""),
          new Row(
              "open loop at 80 %: sender lag p99 µs (the load generator's own)",
              "open80.sendLagP99us", "%.1f", ""),
          new Row("peak RSS client, MiB", "rss.client", "%,.0f", ""),
          new Row("peak RSS server, MiB", "rss.server", "%,.0f", ""));

  private final LoadOptions options;
  private final Map<EchoSystem, List<Map<String, Double>>> rounds;
  private final Map<EchoSystem, String> unavailable;
  private final Map<RawVariant, List<Map<String, Double>>> ceiling;

  ResultTable(
      LoadOptions options,
      Map<EchoSystem, List<Map<String, Double>>> rounds,
      Map<EchoSystem, String> unavailable) {
    this(options, rounds, unavailable, new EnumMap<>(RawVariant.class));
  }

  /**
   * @param ceiling every round's results of each variant of the raw Netty echo; when not empty,
   *     they stand for that system
   */
  ResultTable(
      LoadOptions options,
      Map<EchoSystem, List<Map<String, Double>>> rounds,
      Map<EchoSystem, String> unavailable,
      Map<RawVariant, List<Map<String, Double>>> ceiling) {
    this.options = options;
    this.rounds = rounds;
    this.unavailable = unavailable;
    this.ceiling = ceiling;
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
    // the peers (G, H, I) have their own table; the TLS systems (P to T) show only when run
    List<EchoSystem> columns =
        Arrays.stream(EchoSystem.values())
            .filter(s -> Peer.server(s) == null)
            .filter(s -> !s.onlyWhenRun() || rounds.containsKey(s) || unavailable.containsKey(s))
            .toList();
    md.append("| metric |");
    columns.forEach(
        s ->
            md.append(' ')
                .append(s.letter)
                .append(": ")
                .append(s.title)
                .append(s == EchoSystem.RAW_NETTY && !ceiling.isEmpty() ? ", best variant" : "")
                .append(" |"));
    md.append(" A/D | A/E | B/D | F/D | target |\n|---|");
    columns.forEach(s -> md.append("---:|"));
    md.append("---:|---:|---:|---:|---|\n");
    for (Row row : ROWS) {
      if (!measured(row.key())) {
        continue;
      }
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
    md.append('\n');
    if (!ceiling.isEmpty()) {
      md.append('\n').append(variantsMarkdown());
    }
    if (PeerTable.shown(rounds.keySet(), unavailable.keySet())) {
      md.append('\n').append(new PeerTable(this).toMarkdown());
    }
    return md.toString();
  }

  /** Every variant of the raw Netty echo, median (min–max) over rounds. */
  private String variantsMarkdown() {
    StringBuilder md =
        new StringBuilder(
            "The ceiling's variants (E, raw Netty echo; the best of each row is E above):\n\n| metric |");
    ceiling.keySet().forEach(v -> md.append(" E ").append(v.key).append(" |"));
    md.append("\n|---|");
    ceiling.keySet().forEach(v -> md.append("---:|"));
    md.append('\n');
    for (Row row : ROWS) {
      if (ceiling.keySet().stream().allMatch(v -> variantSamples(v, row.key()).isEmpty())) {
        continue;
      }
      md.append("| ").append(row.label()).append(" |");
      for (RawVariant v : ceiling.keySet()) {
        md.append(' ').append(format(row, variantSamples(v, row.key()))).append(" |");
      }
      md.append('\n');
    }
    return md.toString();
  }

  private boolean measured(String key) {
    for (EchoSystem s : EchoSystem.values()) {
      if (!samples(s, key).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  private static List<Double> samplesOf(List<Map<String, Double>> runs, String key) {
    List<Double> values = new ArrayList<>();
    for (Map<String, Double> round : runs) {
      Double v = round.get(key);
      if (v != null && v >= 0) {
        values.add(v);
      }
    }
    values.sort(null);
    return values;
  }

  private List<Double> variantSamples(RawVariant variant, String key) {
    return samplesOf(ceiling.getOrDefault(variant, List.of()), key);
  }

  /**
   * The variant with the best median for {@code key}: the most calls (or messages) per second, the
   * least of everything else; null if none measured it.
   */
  private RawVariant bestVariant(String key) {
    boolean higherIsBetter = key.endsWith("ate");
    RawVariant best = null;
    double bestMedian = 0;
    for (RawVariant v : ceiling.keySet()) {
      List<Double> values = variantSamples(v, key);
      if (values.isEmpty()) {
        continue;
      }
      double m = median(values);
      if (best == null || (higherIsBetter ? m > bestMedian : m < bestMedian)) {
        best = v;
        bestMedian = m;
      }
    }
    return best;
  }

  List<Double> samples(EchoSystem system, String key) {
    if (system == EchoSystem.RAW_NETTY && !ceiling.isEmpty()) {
      RawVariant best = bestVariant(key);
      return best == null ? List.of() : variantSamples(best, key);
    }
    return samplesOf(rounds.getOrDefault(system, List.of()), key);
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  String cell(EchoSystem system, Row row) {
    if (unavailable.containsKey(system)) {
      return "n/a";
    }
    String cell = format(row, samples(system, row.key()));
    if (system == EchoSystem.RAW_NETTY && !ceiling.isEmpty()) {
      RawVariant best = bestVariant(row.key());
      return best == null ? cell : cell + " " + best.key;
    }
    return cell;
  }

  private static String format(Row row, List<Double> values) {
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

  String ratio(EchoSystem a, EchoSystem b, String key) {
    List<Double> x = samples(a, key);
    List<Double> y = samples(b, key);
    if (x.isEmpty() || y.isEmpty() || median(y) == 0) {
      return "—";
    }
    return String.format(Locale.ROOT, "%.2f", median(x) / median(y));
  }
}
