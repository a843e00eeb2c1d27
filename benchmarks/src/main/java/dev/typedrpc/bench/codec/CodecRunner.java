package dev.typedrpc.bench.codec;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link CodecBenchmark} with the GC profiler and formats typedrpc against protobuf-java as
 * Markdown.
 */
public final class CodecRunner {
  private record Row(String message, String operation, String typedrpc, String protobuf) {}

  private static final List<Row> ROWS =
      List.of(
          new Row("small", "encode", "typedrpcEncodeSmall", "protobufEncodeSmall"),
          new Row(
              "small",
              "encode (protobuf: build + encode)",
              "typedrpcEncodeSmall",
              "protobufBuildAndEncodeSmall"),
          new Row("small", "decode", "typedrpcDecodeSmall", "protobufDecodeSmall"),
          new Row("chat", "encode", "typedrpcEncodeChat", "protobufEncodeChat"),
          new Row(
              "chat",
              "encode (protobuf: build + encode)",
              "typedrpcEncodeChat",
              "protobufBuildAndEncodeChat"),
          new Row("chat", "decode", "typedrpcDecodeChat", "protobufDecodeChat"));

  private CodecRunner() {}

  /** Runs the benchmarks (about a minute and a half); returns the table. */
  public static String run() throws RunnerException {
    Collection<RunResult> runs =
        new Runner(
                new OptionsBuilder()
                    .include(CodecBenchmark.class.getName())
                    .addProfiler(GCProfiler.class)
                    .build())
            .run();
    Map<String, RunResult> byMethod = new HashMap<>();
    for (RunResult run : runs) {
      String benchmark = run.getParams().getBenchmark();
      byMethod.put(benchmark.substring(benchmark.lastIndexOf('.') + 1), run);
    }
    StringBuilder md = new StringBuilder();
    md.append(
        "Codec (JMH, 1 fork, 3 × 1 s warm-up, 5 × 1 s measurement, `-prof gc`; ± is JMH's 99.9% error).\n\n");
    md.append(
            "| message | operation | typedrpc ops/s | protobuf-java ops/s | typedrpc / protobuf | ")
        .append("typedrpc B/op | protobuf-java B/op |\n|---|---|---:|---:|---:|---:|---:|\n");
    for (Row row : ROWS) {
      RunResult ours = byMethod.get(row.typedrpc());
      RunResult theirs = byMethod.get(row.protobuf());
      if (ours == null || theirs == null) {
        continue;
      }
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %.2f | %.0f | %.0f |%n",
              row.message(),
              row.operation(),
              score(ours.getPrimaryResult()),
              score(theirs.getPrimaryResult()),
              ours.getPrimaryResult().getScore() / theirs.getPrimaryResult().getScore(),
              allocated(ours),
              allocated(theirs)));
    }
    return md.toString();
  }

  private static String score(Result<?> r) {
    return String.format(Locale.ROOT, "%,.0f ± %,.0f", r.getScore(), r.getScoreError());
  }

  /** Bytes allocated per operation, from the GC profiler's normalized allocation rate. */
  private static double allocated(RunResult run) {
    // JMH declares the map with a raw Result; go through the keys so this file names no raw type
    for (String name : run.getSecondaryResults().keySet()) {
      if (name.endsWith("gc.alloc.rate.norm")) {
        return run.getSecondaryResults().get(name).getScore();
      }
    }
    return Double.NaN;
  }
}
