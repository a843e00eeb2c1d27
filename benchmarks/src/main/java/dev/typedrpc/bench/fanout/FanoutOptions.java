package dev.typedrpc.bench.fanout;

import java.util.ArrayList;
import java.util.List;

/**
 * Options of the fan-out benchmark, from {@code --name=value} arguments.
 *
 * @param runs the configurations, measured in this order in every round ({@code
 *     --runs=broadcast:1,redis:3}, see {@link FanoutRun})
 * @param subscribers subscribers (one WebSocket connection each) per run
 * @param rate posts per second of the fixed-rate measurement
 * @param seconds length of each measurement
 * @param warmup seconds of unrecorded posting before the measurements of a run
 * @param rounds rounds; each measures every run once, in order
 * @param inFlight events posted but not yet delivered to every subscriber, at most, when posting at
 *     the maximum rate
 * @param jvmArgs extra flags for the node JVMs
 */
public record FanoutOptions(
    List<FanoutRun> runs,
    int subscribers,
    int rate,
    double seconds,
    double warmup,
    int rounds,
    int inFlight,
    List<String> jvmArgs) {
  /** The node JVMs' flags. */
  static final List<String> BASE_JVM_FLAGS = List.of("-Xms64m", "-Xmx1g", "-XX:+UseG1GC");

  public static FanoutOptions parse(List<String> args) {
    String runs = FanoutRun.DEFAULTS;
    int subscribers = 1000;
    int rate = 5;
    double seconds = 5;
    double warmup = 2;
    int rounds = 2;
    int inFlight = 16;
    List<String> jvmArgs = new ArrayList<>();
    for (String arg : args) {
      String value = arg.substring(arg.indexOf('=') + 1);
      if (arg.startsWith("--runs=")) {
        runs = value;
      } else if (arg.startsWith("--subscribers=")) {
        subscribers = Integer.parseInt(value);
      } else if (arg.startsWith("--rate=")) {
        rate = Integer.parseInt(value);
      } else if (arg.startsWith("--seconds=")) {
        seconds = Double.parseDouble(value);
      } else if (arg.startsWith("--warmup=")) {
        warmup = Double.parseDouble(value);
      } else if (arg.startsWith("--rounds=")) {
        rounds = Integer.parseInt(value);
      } else if (arg.startsWith("--in-flight=")) {
        inFlight = Integer.parseInt(value);
      } else if (arg.startsWith("--jvm-arg=")) {
        jvmArgs.add(value);
      } else {
        throw new IllegalArgumentException("unknown fanout option " + arg);
      }
    }
    if (subscribers < 1 || rate < 1 || seconds <= 0 || warmup < 0 || rounds < 1) {
      throw new IllegalArgumentException(
          "--subscribers, --rate, --seconds and --rounds must be positive, --warmup not negative");
    }
    if (inFlight < 1 || inFlight > FanoutNode.BROADCAST_BUFFER / 2) {
      throw new IllegalArgumentException(
          "--in-flight must be 1 to " + FanoutNode.BROADCAST_BUFFER / 2);
    }
    return new FanoutOptions(
        FanoutRun.parseAll(runs),
        subscribers,
        rate,
        seconds,
        warmup,
        rounds,
        inFlight,
        List.copyOf(jvmArgs));
  }

  /** The flags of every node JVM. */
  public List<String> jvmFlags() {
    List<String> flags = new ArrayList<>(BASE_JVM_FLAGS);
    flags.addAll(jvmArgs);
    return flags;
  }

  int nodes() {
    return runs.stream().mapToInt(FanoutRun::nodes).max().orElse(1);
  }
}
