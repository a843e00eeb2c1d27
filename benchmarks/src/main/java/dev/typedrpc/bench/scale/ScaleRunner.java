package dev.typedrpc.bench.scale;

import dev.typedrpc.bench.driver.Jvms;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The scale benchmark's entry points, for {@code BenchMain}: each run in a fresh client JVM, which
 * starts a fresh server JVM; a failed run is reported in the table and the others go on.
 */
public final class ScaleRunner {
  private ScaleRunner() {}

  /** Runs every run of {@code options}; returns the report in Markdown. */
  public static String run(ScaleOptions options) throws IOException, InterruptedException {
    ScaleTable table = new ScaleTable();
    for (Scenario run : options.runs()) {
      System.err.println("scale: " + run);
      runClient(run, options, table);
    }
    return table.toMarkdown(options);
  }

  /** Runs a child JVM's part: {@code _scale-server <system>} or {@code _scale-client [options]}. */
  public static void child(String command, List<String> args) throws Exception {
    if (command.equals("_scale-server")) {
      ScaleServerMain.run(args.get(0));
    } else {
      ScaleClientMain.run(args);
    }
  }

  private static void runClient(Scenario run, ScaleOptions options, ScaleTable table)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("_scale-client"));
    args.addAll(options.toArgs(run));
    Process process =
        new ProcessBuilder(Jvms.command(options.jvmFlags(), args))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    Map<String, Double> result = null;
    StringBuilder histogram = new StringBuilder();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("RESULT ")) {
          result = parse(line.substring("RESULT ".length()));
        } else if (line.startsWith("HISTOGRAM ")) {
          histogram.append(line.substring("HISTOGRAM ".length())).append('\n');
        } else {
          System.err.println(line);
        }
      }
    }
    // the client bounds its own lifetime; this only reaps it
    boolean exited = process.waitFor(1, TimeUnit.MINUTES);
    if (!exited || process.exitValue() != 0 || result == null) {
      process.destroyForcibly();
      table.addFailure(run, "the client JVM failed; its output is above");
    } else {
      table.add(run, result, histogram.toString());
    }
  }

  private static Map<String, Double> parse(String line) {
    Map<String, Double> values = new LinkedHashMap<>();
    for (String pair : line.split(" ", -1)) {
      int eq = pair.indexOf('=');
      values.put(pair.substring(0, eq), Double.parseDouble(pair.substring(eq + 1)));
    }
    return values;
  }
}
