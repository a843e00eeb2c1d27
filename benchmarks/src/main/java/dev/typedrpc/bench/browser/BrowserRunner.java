package dev.typedrpc.bench.browser;

import dev.typedrpc.RpcServer;
import dev.typedrpc.bench.echo.EchoServiceImpl;
import dev.typedrpc.bench.echo.EchoServiceRpc;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The browser benchmark: Chromium ({@code /usr/bin/chromium}, driven by playwright-core from {@code
 * benchmarks/browser/bench.mjs}) calls the echo service of one typedrpc server on 127.0.0.1 through
 * {@code @typedrpc/web} over WebSocket (cleartext and TLS) and through Connect-web's {@code
 * createConnectTransport} (binary) over HTTP/1.1 (cleartext) and HTTP/2 (TLS, which a browser needs
 * for HTTP/2; the server's certificate is made for the run). The server also serves the page
 * ({@code browser-bench} on the class path, bundled by the build). Workloads: unary calls one at a
 * time, unary calls 16 in flight, and one server stream's messages. {@code browser [--rounds=3]
 * [--seconds=5] [--warmup=2] [--systems=typedrpc-ws,...] [--workloads=unary1,...]}: each round runs
 * every system in turn (a different one first each round); the report gives each cell's median and
 * range over the rounds.
 */
public final class BrowserRunner {
  private BrowserRunner() {}

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  /** The clients, by the name the page knows them by. */
  static final Map<String, String> SYSTEMS =
      orderedMap(
          "typedrpc-ws", "typedrpc-web, WebSocket",
          "typedrpc-wss", "typedrpc-web, WebSocket + TLS",
          "connect-h1", "Connect-web, HTTP/1.1",
          "connect-h2", "Connect-web, HTTP/2 + TLS");

  static final Map<String, String> WORKLOADS =
      orderedMap(
          "unary1", "unary, one at a time (calls/s)",
          "unary16", "unary, 16 in flight (calls/s)",
          "stream", "server streaming (messages/s)");

  /** What to run. */
  record Options(
      int rounds, double seconds, double warmup, List<String> systems, List<String> workloads) {
    static Options parse(List<String> args) {
      int rounds = 3;
      double seconds = 5;
      double warmup = 2;
      List<String> systems = List.copyOf(SYSTEMS.keySet());
      List<String> workloads = List.copyOf(WORKLOADS.keySet());
      for (String arg : args) {
        String value = arg.substring(arg.indexOf('=') + 1);
        if (arg.startsWith("--rounds=")) {
          rounds = Integer.parseInt(value);
        } else if (arg.startsWith("--seconds=")) {
          seconds = Double.parseDouble(value);
        } else if (arg.startsWith("--warmup=")) {
          warmup = Double.parseDouble(value);
        } else if (arg.startsWith("--systems=")) {
          systems = known(value, SYSTEMS, "system");
        } else if (arg.startsWith("--workloads=")) {
          workloads = known(value, WORKLOADS, "workload");
        } else {
          throw new IllegalArgumentException(
              "unknown option "
                  + arg
                  + "; browser takes --rounds, --seconds, --warmup, --systems, --workloads");
        }
      }
      if (rounds < 1 || seconds <= 0 || warmup < 0) {
        throw new IllegalArgumentException("--rounds and --seconds must be positive");
      }
      return new Options(rounds, seconds, warmup, systems, workloads);
    }

    private static List<String> known(String list, Map<String, String> names, String what) {
      List<String> chosen = List.of(list.split(",", -1));
      for (String name : chosen) {
        if (!names.containsKey(name)) {
          throw new IllegalArgumentException(
              "unknown " + what + " " + name + "; known: " + String.join(",", names.keySet()));
        }
      }
      return chosen;
    }
  }

  /** The rates measured: workload, then system, then one rate per round. */
  record Results(String browser, Options options, Map<String, Map<String, List<Double>>> rates) {}

  /** Runs the benchmark; the Markdown report. */
  public static String run(List<String> args) throws Exception {
    Options options = Options.parse(args);
    if (!Files.isExecutable(CHROMIUM)) {
      return "## Browser\n\nNot run: Chromium is not installed at " + CHROMIUM + ".\n";
    }
    return report(measure(options));
  }

  /** Starts the server and the browser, runs every round. */
  static Results measure(Options options) throws IOException, InterruptedException {
    SelfSignedCert tls = SelfSignedCert.create();
    // one port: cleartext HTTP/1.1 and WebSocket, and TLS (ALPN h2 or http/1.1) beside them
    RpcServer server =
        RpcServer.builder()
            .listen(
                "ws://127.0.0.1:0/rpc?tls-cert="
                    + encode(tls.cert())
                    + "&tls-key="
                    + encode(tls.key()))
            .addService(EchoServiceRpc.bind(new EchoServiceImpl()))
            .staticResources("browser-bench")
            .build()
            .start();
    try {
      return drive(options, "http://127.0.0.1:" + server.address().getPort() + "/");
    } finally {
      server.shutdownNow();
    }
  }

  private static Results drive(Options options, String url)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder("node", "bench.mjs")
            .directory(browserDirectory().toFile())
            .redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("BENCH_URL", url);
    env.put("CHROMIUM", CHROMIUM.toString());
    env.put("SYSTEMS", String.join(",", options.systems()));
    env.put("WORKLOADS", String.join(",", options.workloads()));
    env.put("ROUNDS", Integer.toString(options.rounds()));
    env.put("SECONDS", Double.toString(options.seconds()));
    env.put("WARMUP", Double.toString(options.warmup()));
    Process node = pb.start();
    Map<String, Map<String, List<Double>>> rates = new LinkedHashMap<>();
    List<String> output = new ArrayList<>();
    String browser = "Chromium";
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        output.add(line);
        if (line.startsWith("@@ browser ")) {
          browser = line.substring("@@ browser ".length());
        } else if (line.startsWith("@@ result ")) {
          // @@ result <round> <system> <workload> <count> <ms>
          String[] f = line.split(" ", -1);
          double rate = Long.parseLong(f[5]) * 1000 / Double.parseDouble(f[6]);
          rates
              .computeIfAbsent(f[4], w -> new LinkedHashMap<>())
              .computeIfAbsent(f[3], s -> new ArrayList<>())
              .add(rate);
          System.err.printf(
              Locale.ROOT, "browser: round %s %s %s: %,.0f/s%n", f[2], f[3], f[4], rate);
        }
      }
    } finally {
      if (!node.waitFor(30, TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
    }
    if (node.exitValue() != 0) {
      throw new IOException(
          "the browser benchmark (node bench.mjs) failed:\n" + String.join("\n", output));
    }
    return new Results(browser, options, rates);
  }

  /** {@code benchmarks/browser}, from the repository's root or from {@code benchmarks/}. */
  static Path browserDirectory() throws IOException {
    for (Path dir : List.of(Path.of("benchmarks", "browser"), Path.of("browser"))) {
      if (Files.isRegularFile(dir.resolve("bench.mjs"))) {
        if (!Files.isDirectory(dir.resolve("node_modules/playwright-core"))) {
          throw new IOException(
              dir + "/node_modules is missing: build the benchmarks module (npm ci runs there)");
        }
        return dir.toAbsolutePath();
      }
    }
    throw new IOException("run from the repository's root: benchmarks/browser/bench.mjs not found");
  }

  static String report(Results results) {
    Options o = results.options();
    StringBuilder out = new StringBuilder("## Browser\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "%s, headless, on the same machine as the server; %d rounds of %.1f s per cell after"
                + " %.1f s of warm-up, the systems in a different order each round. Median of the"
                + " rounds, then the lowest and highest. Unary payloads and streamed messages are"
                + " 32 bytes.%n%n",
            results.browser(),
            o.rounds(),
            o.seconds(),
            o.warmup()));
    out.append("| workload |");
    for (String s : o.systems()) {
      out.append(' ').append(SYSTEMS.get(s)).append(" |");
    }
    out.append("\n|---|");
    out.append("---:|".repeat(o.systems().size()));
    out.append('\n');
    for (String w : o.workloads()) {
      out.append("| ").append(WORKLOADS.get(w)).append(" |");
      for (String s : o.systems()) {
        List<Double> r = results.rates().getOrDefault(w, Map.of()).getOrDefault(s, List.of());
        out.append(' ').append(cell(r)).append(" |");
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String cell(List<Double> rates) {
    if (rates.isEmpty()) {
      return "—";
    }
    List<Double> sorted = rates.stream().sorted().toList();
    double median =
        sorted.size() % 2 == 1
            ? sorted.get(sorted.size() / 2)
            : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    if (sorted.size() == 1) {
      return String.format(Locale.ROOT, "%,.0f", median);
    }
    return String.format(
        Locale.ROOT, "%,.0f (%,.0f–%,.0f)", median, sorted.get(0), sorted.get(sorted.size() - 1));
  }

  private static String encode(Path path) {
    return URLEncoder.encode(path.toAbsolutePath().toString(), StandardCharsets.UTF_8);
  }

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }
}
