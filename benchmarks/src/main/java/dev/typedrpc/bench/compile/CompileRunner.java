package dev.typedrpc.bench.compile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * {@code compile [--records=500] [--methods=100] [--rounds=5] [--warmup=2]}: what the processor
 * costs a build. One schema ({@link SchemaSources}) is compiled two ways: the typedrpc route
 * ({@code javac} with the processor over the records and interfaces) and the protoc route ({@code
 * protoc} with {@code protoc-gen-grpc-java} over the {@code .proto} files the processor emitted for
 * it, then {@code javac} over what they generate). Each is timed cold (new processes, as a
 * command-line build), warm (the JDK's compiler in this JVM after warm-up, as a build daemon or IDE
 * runs it) and incrementally (one record changed: each route recompiles what a build tool would).
 * Medians.
 */
public final class CompileRunner {
  private final Path work;
  private final Tools tools;
  private final SchemaSources schema;
  private final int rounds;
  private final int warmups;

  private CompileRunner(Path work, Tools tools, SchemaSources schema, int rounds, int warmups) {
    this.work = work;
    this.tools = tools;
    this.schema = schema;
    this.rounds = rounds;
    this.warmups = warmups;
  }

  /** The executables and libraries both routes use, found next to this code. */
  record Tools(Path protoc, Path grpcPlugin, Path include, String classPath, String processorPath) {
    static Tools find() throws IOException {
      Path here;
      try {
        here =
            Path.of(
                CompileRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      } catch (java.net.URISyntaxException e) {
        throw new IOException(e);
      }
      Path target = here.getParent();
      Path protoc = target.resolve("protoc/protoc.exe");
      Path plugin = target.resolve("protoc/protoc-gen-grpc-java.exe");
      Path processor = target.resolve("processor");
      for (Path needed : List.of(protoc, plugin, processor)) {
        if (!Files.exists(needed)) {
          throw new IOException(needed + " is missing: build the benchmarks module first");
        }
      }
      protoc.toFile().setExecutable(true);
      plugin.toFile().setExecutable(true);
      List<Path> classPath = ClassPath.current();
      List<Path> processorPath = new ArrayList<>();
      try (Stream<Path> jars = Files.list(processor)) {
        jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(processorPath::add);
      }
      processorPath.addAll(classPath);
      return new Tools(
          protoc,
          plugin,
          target.resolve("protoc/include"),
          ClassPath.join(classPath),
          ClassPath.join(processorPath));
    }
  }

  public static String run(List<String> args) throws Exception {
    int records = 500;
    int methods = 100;
    int rounds = 5;
    int warmups = 2;
    for (String arg : args) {
      String value = arg.substring(arg.indexOf('=') + 1);
      if (arg.startsWith("--records=")) {
        records = Integer.parseInt(value);
      } else if (arg.startsWith("--methods=")) {
        methods = Integer.parseInt(value);
      } else if (arg.startsWith("--rounds=")) {
        rounds = Integer.parseInt(value);
      } else if (arg.startsWith("--warmup=")) {
        warmups = Integer.parseInt(value);
      } else {
        throw new IllegalArgumentException(
            "unknown option " + arg + "; use --records --methods --rounds --warmup");
      }
    }
    Path work = Files.createTempDirectory("typedrpc-compile-bench");
    try {
      return new CompileRunner(
              work, Tools.find(), new SchemaSources(records, methods), rounds, warmups)
          .measure(records, methods);
    } finally {
      deleteTree(work);
    }
  }

  private String measure(int records, int methods) throws Exception {
    List<Path> sources = schema.write(work.resolve("src"));

    // the typedrpc route, which also emits the .proto files of the protoc route
    Path protos = work.resolve("proto");
    Route typedrpc = new Route("typedrpc");
    long typedrpcCold = median(() -> typedrpc.cold(sources));
    Files.createDirectories(protos);
    copyProtos(typedrpc.lastOut, protos);
    long typedrpcWarm = warm(() -> typedrpc.warm(sources));

    long protocCold = median(() -> protocCold(protos));
    long protocWarm = warm(() -> protocWarm(protos));

    // one record changed, in the middle of the schema
    int changed = records / 2;
    long typedrpcIncremental = warm(() -> typedrpcIncremental(changed));
    long protocIncremental = warm(() -> protocIncremental(protos, changed));

    int generatedTypedrpc = countJava(typedrpc.lastGenerated);
    int generatedProtoc = countJava(protoc(protos, work.resolve("count")));
    StringBuilder out = new StringBuilder("## Compile time: the processor against protoc\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "%d records and %d methods in %d services (%d Java files written by hand; %d .proto"
                + " files); medians of %d rounds; %s. typedrpc route: `javac` with the processor,"
                + " %d Java files generated. protoc route: `protoc` + `protoc-gen-grpc-java` over the"
                + " emitted `.proto` files, then `javac`, %d Java files generated.%n%n",
            records,
            methods,
            schema.services(),
            sources.size(),
            countFiles(protos, ".proto"),
            rounds,
            Runtime.version(),
            generatedTypedrpc,
            generatedProtoc));
    out.append(
        """
        | build | typedrpc | protoc + grpc-java + javac | typedrpc ÷ protoc |
        |---|---:|---:|---:|
        """);
    row(out, "full, cold (new processes)", typedrpcCold, protocCold);
    row(out, "full, warm (compiler in a running JVM)", typedrpcWarm, protocWarm);
    row(out, "one record changed, warm", typedrpcIncremental, protocIncremental);
    return out.toString();
  }

  private static void row(StringBuilder out, String what, long typedrpc, long protoc) {
    out.append(
        String.format(
            Locale.ROOT,
            "| %s | %,d ms | %,d ms | %.2f × |%n",
            what,
            TimeUnit.NANOSECONDS.toMillis(typedrpc),
            TimeUnit.NANOSECONDS.toMillis(protoc),
            typedrpc / (double) protoc));
  }

  // ------------------------------------------------------------------ the typedrpc route

  /** One route's last output, kept to take the emitted files from. */
  private final class Route {
    final String name;
    Path lastOut;
    Path lastGenerated;
    private int round;

    Route(String name) {
      this.name = name;
    }

    long cold(List<Path> sources) throws Exception {
      Path out = fresh(name + "-cold-" + round++);
      Path generated = fresh(name + "-gen-" + round);
      Path list = writeList(out.resolveSibling(out.getFileName() + ".args"), sources);
      long start = System.nanoTime();
      List<String> command = new ArrayList<>();
      command.add(javac());
      command.addAll(withProcessor(out, generated, tools.classPath));
      command.add("@" + list);
      exec(command.toArray(String[]::new));
      long took = System.nanoTime() - start;
      lastOut = out;
      lastGenerated = generated;
      return took;
    }

    long warm(List<Path> sources) throws Exception {
      Path out = fresh(name + "-warm-" + round++);
      Path generated = fresh(name + "-gen-" + round);
      long start = System.nanoTime();
      compileInProcess(sources, withProcessor(out, generated, tools.classPath));
      long took = System.nanoTime() - start;
      lastOut = out;
      lastGenerated = generated;
      return took;
    }
  }

  /**
   * The record changed, then what a build tool recompiles: it, every record that nests it (up its
   * chain) and the interface of its service, with the rest of the previous output on the class
   * path; the processor regenerates that service's code.
   */
  private long typedrpcIncremental(int changed) throws Exception {
    Path src = work.resolve("src-incremental");
    deleteTree(src);
    List<Path> all = schema.write(src);
    Path before = fresh("typedrpc-before");
    compileInProcess(all, withProcessor(before, fresh("typedrpc-before-gen"), tools.classPath));
    List<Path> again = new ArrayList<>();
    again.add(schema.changeRecord(src, changed));
    for (int r = changed - 1; r >= 0 && schema.nests(r, r + 1); r--) {
      again.add(src.resolve(schema.recordFile(r)));
    }
    again.add(src.resolve(schema.serviceFile(schema.serviceOf(changed))));
    Path out = fresh("typedrpc-incremental");
    long start = System.nanoTime();
    compileInProcess(
        again,
        withProcessor(
            out,
            fresh("typedrpc-incremental-gen"),
            before + java.io.File.pathSeparator + tools.classPath));
    return System.nanoTime() - start;
  }

  /**
   * javac's options for the typedrpc route: classes to {@code out}, sources to {@code generated}.
   */
  private List<String> withProcessor(Path out, Path generated, String classPath) {
    return List.of(
        "-d",
        out.toString(),
        "-s",
        generated.toString(),
        "-cp",
        classPath,
        "-processorpath",
        tools.processorPath,
        "-nowarn");
  }

  // ------------------------------------------------------------------ the protoc route

  private Path protoc(Path protos, Path generated) throws Exception {
    Files.createDirectories(generated);
    List<String> command =
        new ArrayList<>(
            List.of(
                tools.protoc.toString(),
                "-I" + protos,
                "-I" + tools.include,
                "--plugin=protoc-gen-grpc-java=" + tools.grpcPlugin,
                "--java_out=" + generated,
                "--grpc-java_out=@generated=omit:" + generated));
    try (Stream<Path> files = Files.list(protos)) {
      files
          .filter(p -> p.toString().endsWith(".proto"))
          .sorted()
          .forEach(p -> command.add(p.getFileName().toString()));
    }
    exec(command.toArray(String[]::new));
    return generated;
  }

  private long protocCold(Path protos) throws Exception {
    Path generated = fresh("protoc-gen");
    Path out = fresh("protoc-out");
    long start = System.nanoTime();
    protoc(protos, generated);
    Path list = writeList(work.resolve("protoc.args"), javaFiles(generated));
    exec(
        javac(), "-d", out.toString(), "-cp", tools.classPath, "-proc:none", "-nowarn", "@" + list);
    return System.nanoTime() - start;
  }

  private long protocWarm(Path protos) throws Exception {
    Path generated = fresh("protoc-gen");
    Path out = fresh("protoc-out");
    long start = System.nanoTime();
    protoc(protos, generated);
    compileInProcess(
        javaFiles(generated),
        List.of("-d", out.toString(), "-cp", tools.classPath, "-proc:none", "-nowarn"));
    return System.nanoTime() - start;
  }

  /**
   * The record's message changed in its {@code .proto}, then what a build tool reruns: {@code
   * protoc} over that one file and {@code javac} over the Java it generates, with the rest of the
   * previous output on the class path.
   */
  private long protocIncremental(Path protos, int changed) throws Exception {
    Path before = fresh("protoc-before");
    compileInProcess(
        javaFiles(protoc(protos, fresh("protoc-before-gen"))),
        List.of("-d", before.toString(), "-cp", tools.classPath, "-proc:none", "-nowarn"));
    Path one = fresh("proto-changed");
    String file = schema.serviceProto(schema.serviceOf(changed));
    String proto = Files.readString(protos.resolve(file), StandardCharsets.UTF_8);
    String message = "message R" + changed + " {\n";
    int at = proto.indexOf(message);
    if (at < 0) {
      throw new IllegalStateException(file + " has no " + message.trim());
    }
    Files.writeString(
        one.resolve(file),
        proto.substring(0, at + message.length())
            + "  string added = 100;\n"
            + proto.substring(at + message.length()),
        StandardCharsets.UTF_8);
    Path generated = fresh("protoc-incremental-gen");
    Path out = fresh("protoc-incremental");
    long start = System.nanoTime();
    protoc(one, generated);
    compileInProcess(
        javaFiles(generated),
        List.of(
            "-d",
            out.toString(),
            "-cp",
            before + java.io.File.pathSeparator + tools.classPath,
            "-proc:none",
            "-nowarn"));
    return System.nanoTime() - start;
  }

  // ------------------------------------------------------------------ plumbing

  /** A step that returns the nanoseconds it took. */
  private interface Timed {
    long run() throws Exception;
  }

  private long median(Timed step) throws Exception {
    long[] times = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      times[i] = step.run();
    }
    Arrays.sort(times);
    return times[rounds / 2];
  }

  /** Rounds to warm the compiler up ({@code --warmup=2}), then the median of the measured ones. */
  private long warm(Timed step) throws Exception {
    for (int i = 0; i < warmups; i++) {
      step.run();
    }
    return median(step);
  }

  private static void compileInProcess(List<Path> sources, List<String> options)
      throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new IOException("this JVM has no Java compiler: run the benchmarks on a JDK");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      boolean ok =
          compiler
              .getTask(
                  null,
                  files,
                  diagnostics,
                  options,
                  null,
                  files.getJavaFileObjectsFromPaths(sources))
              .call();
      if (!ok) {
        throw new IOException("compilation failed: " + diagnostics.getDiagnostics());
      }
    }
  }

  private String javac() {
    return Path.of(System.getProperty("java.home"), "bin", "javac").toString();
  }

  private void exec(String... command) throws Exception {
    Path log = work.resolve("exec.log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException(command[0] + " did not finish in 10 minutes");
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          command[0] + " failed: " + Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  private Path fresh(String name) throws IOException {
    Path dir = work.resolve(name);
    deleteTree(dir);
    return Files.createDirectories(dir);
  }

  private static Path writeList(Path file, List<Path> sources) throws IOException {
    List<String> lines = new ArrayList<>();
    sources.forEach(p -> lines.add("\"" + p.toString().replace("\\", "\\\\") + "\""));
    return Files.write(file, lines, StandardCharsets.UTF_8);
  }

  private static List<Path> javaFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  private static int countJava(Path root) throws IOException {
    return javaFiles(root).size();
  }

  private static int countFiles(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return (int) files.filter(p -> p.toString().endsWith(suffix)).count();
    }
  }

  private static void copyProtos(Path classes, Path protos) throws IOException {
    Path dir = classes.resolve("META-INF/typedrpc");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".proto")).toList()) {
        Files.copy(p, protos.resolve(p.getFileName()));
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }
}
