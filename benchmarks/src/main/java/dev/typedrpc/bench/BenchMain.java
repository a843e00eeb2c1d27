package dev.typedrpc.bench;

import dev.typedrpc.bench.codec.CodecRunner;
import dev.typedrpc.bench.load.LoadOptions;
import dev.typedrpc.bench.load.LoadRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one entry point: {@code java -jar benchmarks/target/benchmarks.jar [all|codec|e2e] [options]}
 * runs the codec benchmarks and/or the end-to-end comparison and prints one Markdown report (also
 * written to {@code --out=FILE}). End-to-end options: {@code --rounds=3 --seconds=5 --warmup=2
 * --systems=ABCDE --one-jvm --jvm-arg=FLAG}. See BENCHMARKS.md.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] argv) throws Exception {
    List<String> args = new ArrayList<>(List.of(argv));
    String command = args.isEmpty() || args.get(0).startsWith("--") ? "all" : args.remove(0);
    // child JVMs of the end-to-end run
    if (command.equals("_server") || command.equals("_client")) {
      LoadRunner.child(command, args);
      return;
    }
    Path out = null;
    for (String arg : List.copyOf(args)) {
      if (arg.startsWith("--out=")) {
        out = Path.of(arg.substring("--out=".length()));
        args.remove(arg);
      }
    }
    LoadOptions options = LoadOptions.parse(args);
    StringBuilder report = new StringBuilder("# typedrpc benchmarks\n\n");
    report.append(MachineInfo.describe(LoadRunner.childJvmFlags(options))).append('\n');
    switch (command) {
      case "all" -> {
        report.append(CodecRunner.run()).append('\n');
        report.append(LoadRunner.run(options));
      }
      case "codec" -> report.append(CodecRunner.run());
      case "e2e" -> report.append(LoadRunner.run(options));
      default ->
          throw new IllegalArgumentException(
              "unknown command " + command + "; use all, codec or e2e");
    }
    System.out.println();
    System.out.println(report);
    if (out != null) {
      Files.writeString(out, report, StandardCharsets.UTF_8);
    }
  }
}
