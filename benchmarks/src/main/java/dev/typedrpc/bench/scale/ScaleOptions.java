package dev.typedrpc.bench.scale;

import java.util.ArrayList;
import java.util.List;

/**
 * Options of the scale benchmark, parsed from {@code --name=value} arguments and passed on to the
 * client JVMs in the same form.
 *
 * @param runs the measurements, in order ({@code --runs=ws:10000x1,grpc:100x100}, see {@link
 *     Scenario})
 * @param broadcasts measured broadcasts per run (after two for warm-up)
 * @param histogram whether to report the server's class histogram growth per connection
 * @param jvmArgs extra flags for every child JVM
 */
public record ScaleOptions(
    List<Scenario> runs, int broadcasts, boolean histogram, List<String> jvmArgs) {
  /**
   * Child JVM flags: G1 as by default, a heap that may grow to what 10,000 connections need and
   * shrinks after a full GC, so RSS follows what is live.
   */
  static final List<String> BASE_JVM_FLAGS = List.of("-Xms64m", "-Xmx3g", "-XX:+UseG1GC");

  public static ScaleOptions parse(List<String> args) {
    String runs = Scenario.DEFAULTS;
    int broadcasts = 5;
    boolean histogram = false;
    List<String> jvmArgs = new ArrayList<>();
    for (String arg : args) {
      String value = arg.substring(arg.indexOf('=') + 1);
      if (arg.startsWith("--runs=")) {
        runs = value;
      } else if (arg.startsWith("--broadcasts=")) {
        broadcasts = Integer.parseInt(value);
      } else if (arg.equals("--histogram")) {
        histogram = true;
      } else if (arg.startsWith("--jvm-arg=")) {
        jvmArgs.add(value);
      } else {
        throw new IllegalArgumentException("unknown scale option " + arg);
      }
    }
    if (broadcasts < 1) {
      throw new IllegalArgumentException("--broadcasts must be at least 1");
    }
    return new ScaleOptions(Scenario.parseAll(runs), broadcasts, histogram, List.copyOf(jvmArgs));
  }

  /** The flags every child JVM gets. */
  public List<String> jvmFlags() {
    List<String> flags = new ArrayList<>(BASE_JVM_FLAGS);
    flags.addAll(jvmArgs);
    return flags;
  }

  /** These options for a client JVM that runs {@code run}. */
  List<String> toArgs(Scenario run) {
    List<String> args = new ArrayList<>();
    args.add("--runs=" + run);
    args.add("--broadcasts=" + broadcasts);
    if (histogram) {
      args.add("--histogram");
    }
    jvmArgs.forEach(a -> args.add("--jvm-arg=" + a));
    return args;
  }
}
