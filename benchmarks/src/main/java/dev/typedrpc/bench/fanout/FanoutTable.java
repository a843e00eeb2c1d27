package dev.typedrpc.bench.fanout;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fan-out report in Markdown: per run, the fixed-rate measurement (the round with the lowest
 * p99) and the maximum (the round that delivered most), and each resumable run's maximum against
 * the plain method's over as many nodes.
 */
final class FanoutTable {
  private FanoutTable() {}

  static String toMarkdown(
      FanoutOptions o, Map<FanoutRun, List<Measured[]>> results, Map<FanoutRun, String> failures) {
    StringBuilder md = new StringBuilder("## Fan-out\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "%,d subscribers, one WebSocket connection each, spread over the run's nodes (separate"
                + " JVMs sharing one redis-server); posts of a 64-character event to the first node;"
                + " %.0f s per measurement after %.0f s of warm-up; fixed rate %,d posts/s; maximum:"
                + " %d events in flight (posted, not yet received by every subscriber). Best of %d"
                + " rounds (fixed rate: lowest p99; maximum: most delivered). Latency from post to"
                + " receipt, both stamped in the subscribers' JVM.%n%n",
            o.subscribers(),
            o.seconds(),
            o.warmup(),
            o.rate(),
            o.inFlight(),
            o.rounds()));
    md.append(
        "| method, source | nodes | posting | posts/s | events/s delivered | delivered |"
            + " p50 ms | p99 ms | max ms | ÷ plain, same nodes |\n"
            + "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (FanoutRun run : o.runs()) {
      List<Measured[]> rounds = results.getOrDefault(run, List.of());
      if (rounds.isEmpty()) {
        md.append(
            String.format(
                "| %s | %d | failed: %s | | | | | | | |%n",
                run.title(), run.nodes(), failures.getOrDefault(run, "not run")));
        continue;
      }
      Measured fixed =
          rounds.stream().map(m -> m[0]).min(Comparator.comparingLong(Measured::p99Micros)).get();
      Measured max =
          rounds.stream()
              .map(m -> m[1])
              .max(Comparator.comparingDouble(Measured::deliveredPerSecond))
              .get();
      Measured plain = plainMax(run, results);
      md.append(row(run, String.format(Locale.ROOT, "%,d/s", o.rate()), fixed, null));
      md.append(row(run, "maximum", max, plain));
    }
    StringBuilder problems = new StringBuilder();
    results.forEach(
        (run, rounds) ->
            rounds.forEach(
                m -> {
                  for (Measured one : m) {
                    if (!one.problem().isEmpty()) {
                      problems.append("- ").append(run).append(": ").append(one.problem());
                      problems.append('\n');
                    }
                  }
                }));
    if (!problems.isEmpty()) {
      md.append("\nProblems:\n\n").append(problems);
    }
    return md.toString();
  }

  private static Measured plainMax(FanoutRun run, Map<FanoutRun, List<Measured[]>> results) {
    if (!run.resumable()) {
      return null;
    }
    return results.getOrDefault(new FanoutRun("broadcast", run.nodes()), List.of()).stream()
        .map(m -> m[1])
        .max(Comparator.comparingDouble(Measured::deliveredPerSecond))
        .orElse(null);
  }

  private static String row(FanoutRun run, String posting, Measured m, Measured plain) {
    return String.format(
        Locale.ROOT,
        "| %s | %d | %s | %,.0f | %,.0f | %.2f %% | %.2f | %.2f | %.2f | %s |%n",
        run.title(),
        run.nodes(),
        posting,
        m.postsPerSecond(),
        m.deliveredPerSecond(),
        m.expected() == 0 ? 0 : 100.0 * m.delivered() / m.expected(),
        m.p50Micros() / 1000.0,
        m.p99Micros() / 1000.0,
        m.maxMicros() / 1000.0,
        plain == null
            ? ""
            : String.format(
                Locale.ROOT, "%.2f", m.deliveredPerSecond() / plain.deliveredPerSecond()));
  }
}
