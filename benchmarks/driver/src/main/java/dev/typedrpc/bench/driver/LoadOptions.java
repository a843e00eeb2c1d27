package dev.typedrpc.bench.driver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Options of the end-to-end run, parsed from {@code --name=value} arguments and passed on to child
 * JVMs in the same form.
 *
 * @param rounds rounds; each runs every system once, in the order given by {@code systems}
 * @param seconds duration of each measurement
 * @param warmup duration of each workload's warm-up, per client JVM
 * @param systems letters of the systems to run
 * @param workloads comma-separated workloads to run: {@code unary1}, {@code unary64}, {@code
 *     stream} (for profiling one path at a time), {@code open} (unary at 25, 50 and 80 % of the
 *     unary 64 in flight maximum, open loop; not in the default)
 * @param oneJvm server and client in one JVM (default: separate JVMs)
 * @param jvmArgs extra flags for every child JVM (e.g. a JFR recording)
 */
public record LoadOptions(
    int rounds,
    Duration seconds,
    Duration warmup,
    String systems,
    String workloads,
    boolean oneJvm,
    List<String> jvmArgs) {
  /** Heap fixed so allocation rates and RSS compare like for like; G1, as by default. */
  public static final List<String> BASE_JVM_FLAGS = List.of("-Xms512m", "-Xmx512m", "-XX:+UseG1GC");

  public static LoadOptions parse(List<String> args) {
    int rounds = 3;
    Duration seconds = Duration.ofSeconds(5);
    Duration warmup = Duration.ofSeconds(2);
    String systems = "ABCDEFGHI";
    String workloads = "unary1,unary64,stream";
    boolean oneJvm = false;
    List<String> jvmArgs = new ArrayList<>();
    for (String arg : args) {
      String value = arg.substring(arg.indexOf('=') + 1);
      if (arg.startsWith("--rounds=")) {
        rounds = Integer.parseInt(value);
      } else if (arg.startsWith("--seconds=")) {
        seconds = Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
      } else if (arg.startsWith("--warmup=")) {
        warmup = Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
      } else if (arg.startsWith("--systems=")) {
        systems = value.toUpperCase(java.util.Locale.ROOT);
      } else if (arg.startsWith("--workloads=")) {
        workloads = value;
      } else if (arg.equals("--one-jvm")) {
        oneJvm = true;
      } else if (arg.startsWith("--jvm-arg=")) {
        jvmArgs.add(value);
      } else {
        throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    return new LoadOptions(
        rounds, seconds, warmup, systems, workloads, oneJvm, List.copyOf(jvmArgs));
  }

  /** Whether {@code workload} ({@code unary1}, {@code unary64} or {@code stream}) is selected. */
  boolean runs(String workload) {
    return List.of(workloads.split(",", -1)).contains(workload);
  }

  /** These options as arguments for a child JVM. */
  public List<String> toArgs() {
    List<String> args = new ArrayList<>();
    args.add("--rounds=" + rounds);
    args.add("--seconds=" + seconds.toMillis() / 1000.0);
    args.add("--warmup=" + warmup.toMillis() / 1000.0);
    args.add("--systems=" + systems);
    args.add("--workloads=" + workloads);
    if (oneJvm) {
      args.add("--one-jvm");
    }
    jvmArgs.forEach(a -> args.add("--jvm-arg=" + a));
    return args;
  }

  /** These options with one more flag for the child JVMs. */
  public LoadOptions withJvmArg(String flag) {
    List<String> flags = new ArrayList<>(jvmArgs);
    flags.add(flag);
    return new LoadOptions(rounds, seconds, warmup, systems, workloads, oneJvm, List.copyOf(flags));
  }

  /**
   * The longest a client JVM may live: warm-up and measurements (up to 9: five closed-loop, the
   * open loop's maximum and three rates) with a generous margin.
   */
  Duration clientLifetimeLimit() {
    return warmup.plus(seconds).multipliedBy(9 * 3).plusMinutes(2);
  }
}
