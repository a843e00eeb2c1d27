package dev.typedrpc.bench.driver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Starting child JVMs on this JVM's class path, and bounding this JVM's own lifetime. */
public final class Jvms {
  /** The benchmarks module's entry point (not on a peer's class path). */
  private static final String BENCH_MAIN = "dev.typedrpc.bench.BenchMain";

  private Jvms() {}

  /**
   * A command that runs {@code BenchMain} with {@code args} in a new JVM with the benchmark's
   * flags.
   */
  public static List<String> command(LoadOptions options, List<String> args) {
    return command(options, System.getProperty("java.class.path"), BENCH_MAIN, args);
  }

  /**
   * A command that runs {@code mainClass} from {@code classPath} with {@code args} in a new JVM
   * with the benchmark's flags: a peer's JVM, on a class path of its own.
   */
  public static List<String> command(
      LoadOptions options, String classPath, String mainClass, List<String> args) {
    List<String> flags = new ArrayList<>(LoadOptions.BASE_JVM_FLAGS);
    flags.addAll(options.jvmArgs());
    return command(flags, classPath, mainClass, args);
  }

  /** A command that runs {@code BenchMain} with {@code args} in a new JVM with {@code flags}. */
  public static List<String> command(List<String> flags, List<String> args) {
    return command(flags, System.getProperty("java.class.path"), BENCH_MAIN, args);
  }

  private static List<String> command(
      List<String> flags, String classPath, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(flags);
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(args);
    return command;
  }

  /**
   * Ends this JVM (exit code 3) if it is still running after {@code limit}: no child outlives a
   * hung run.
   */
  public static void exitAfter(Duration limit, String what) {
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(limit.toMillis());
              } catch (InterruptedException e) {
                return;
              }
              System.err.println(what + " still running after " + limit + ": giving up");
              Runtime.getRuntime().halt(3);
            },
            "watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }
}
