package dev.typedrpc.bench;

import dev.typedrpc.bench.blocking.BlockingRunner;
import dev.typedrpc.bench.browser.BrowserRunner;
import dev.typedrpc.bench.codec.CodecRunner;
import dev.typedrpc.bench.compile.CompileRunner;
import dev.typedrpc.bench.driver.LoadOptions;
import dev.typedrpc.bench.fanout.FanoutOptions;
import dev.typedrpc.bench.fanout.FanoutRunner;
import dev.typedrpc.bench.flood.FloodRunner;
import dev.typedrpc.bench.load.LoadRunner;
import dev.typedrpc.bench.resume.ResumeRunner;
import dev.typedrpc.bench.scale.ScaleOptions;
import dev.typedrpc.bench.scale.ScaleRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one entry point: {@code java -jar benchmarks/target/benchmarks.jar [all|codec|e2e|scale]
 * [options]} runs the codec benchmarks and/or the end-to-end comparison, or the scale benchmark, or
 * the flood of the sample chat ({@code flood [--seconds=30]}), or the cost of resumable streams
 * ({@code resume [--events=100000] [--rounds=3]}), or the fan-out to many subscribers ({@code
 * fanout [--runs=broadcast:1,redis:3] [--rate=5] [--seconds=5]}), or a blocking implementation on a
 * pool and on virtual threads ({@code blocking [--java=PATH] [--inflight=64,1000]}), or the
 * processor's compile time against protoc's ({@code compile [--records=500] [--methods=100]}), or
 * Chromium's browser clients ({@code browser}), and prints one Markdown report (also written to
 * {@code --out=FILE}). End-to-end options: {@code --rounds=3 --seconds=5 --warmup=2 --systems=ABCDE
 * --one-jvm --jvm-arg=FLAG}; scale options: {@code --runs=ws:10000x1,... --broadcasts=5 --histogram
 * --jvm-arg=FLAG}. See BENCHMARKS.md.
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
    if (command.equals("_scale-server") || command.equals("_scale-client")) {
      ScaleRunner.child(command, args);
      return;
    }
    if (command.equals("_fanout-node")) {
      FanoutRunner.child(args);
      return;
    }
    Path out = null;
    for (String arg : List.copyOf(args)) {
      if (arg.startsWith("--out=")) {
        out = Path.of(arg.substring("--out=".length()));
        args.remove(arg);
      }
    }
    StringBuilder report = new StringBuilder("# typedrpc benchmarks\n\n");
    // commands that run in this JVM (and the JVMs they start) with their own options
    String simple =
        switch (command) {
          case "flood" -> FloodRunner.run(args);
          case "compile" -> CompileRunner.run(args);
          case "blocking" -> BlockingRunner.run(args);
          case "browser" -> BrowserRunner.run(args);
          case "resume" -> ResumeRunner.run(args);
          default -> null;
        };
    if (simple != null) {
      report.append(MachineInfo.describe(List.of())).append('\n').append(simple);
      print(report, out);
      return;
    }
    if (command.equals("fanout")) {
      report.append(MachineInfo.describe(FanoutOptions.parse(args).jvmFlags())).append('\n');
      report.append(FanoutRunner.run(args));
      print(report, out);
      return;
    }
    if (command.equals("scale")) {
      ScaleOptions options = ScaleOptions.parse(args);
      report.append(MachineInfo.describe(options.jvmFlags())).append('\n');
      report.append(ScaleRunner.run(options));
      print(report, out);
      return;
    }
    LoadOptions options = LoadOptions.parse(args);
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
              "unknown command " + command + "; use all, codec, e2e or scale");
    }
    print(report, out);
  }

  private static void print(StringBuilder report, Path out) throws IOException {
    System.out.println();
    System.out.println(report);
    if (out != null) {
      Files.writeString(out, report, StandardCharsets.UTF_8);
    }
  }
}
