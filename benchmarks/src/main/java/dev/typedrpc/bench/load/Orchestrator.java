package dev.typedrpc.bench.load;

import dev.typedrpc.bench.driver.LoadOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the end-to-end comparison: several rounds, each running every available system once in a
 * fresh client JVM (which starts a fresh server JVM), in the order A B C D E F, so a drift in
 * machine speed hits all of them alike. The raw Netty echo (E) runs once per {@link RawVariant},
 * each in its own pair of JVMs, right after the others of the round. Returns every round's results
 * per system (and per variant of E).
 */
public final class Orchestrator {
  private final LoadOptions options;
  private final Map<EchoSystem, String> unavailable = new EnumMap<>(EchoSystem.class);
  private final Map<EchoSystem, List<Map<String, Double>>> rounds = new EnumMap<>(EchoSystem.class);
  private final Map<RawVariant, List<Map<String, Double>>> ceiling =
      new EnumMap<>(RawVariant.class);

  public Orchestrator(LoadOptions options) {
    this.options = options;
  }

  /** Runs every round; returns the result table in Markdown. */
  public String run() throws IOException, InterruptedException {
    List<EchoSystem> systems = new ArrayList<>();
    for (char letter : options.systems().toCharArray()) {
      if (letter == ',' || letter == ' ') {
        continue; // --systems=B,D,F reads as --systems=BDF
      }
      EchoSystem system = EchoSystem.byLetter(String.valueOf(letter));
      String reason = system.unavailableReason();
      if (reason == null) {
        systems.add(system);
        rounds.put(system, new ArrayList<>());
      } else {
        unavailable.put(system, reason);
        System.err.println(system.letter + " " + system.title + " is not available: " + reason);
      }
    }
    List<RawVariant> variants = RawVariant.selected(options.jvmArgs());
    for (int round = 1; round <= options.rounds(); round++) {
      for (EchoSystem system : systems) {
        if (system == EchoSystem.RAW_NETTY) {
          for (RawVariant variant : variants) {
            System.err.printf(
                "round %d/%d: %s %s, %s%n",
                round, options.rounds(), system.letter, system.title, variant.key);
            ceiling
                .computeIfAbsent(variant, v -> new ArrayList<>())
                .add(runClient(system, options.withJvmArg(variant.jvmFlag())));
          }
          continue;
        }
        System.err.printf(
            "round %d/%d: %s %s%n", round, options.rounds(), system.letter, system.title);
        rounds.get(system).add(runClient(system, options));
      }
    }
    return new ResultTable(options, rounds, unavailable, ceiling).toMarkdown();
  }

  /** Runs one client JVM of {@code system}, which starts its server JVM; returns its RESULT. */
  static Map<String, Double> runClient(EchoSystem system, LoadOptions runOptions)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("_client", system.letter));
    args.addAll(runOptions.toArgs());
    Process process =
        new ProcessBuilder(Peer.clientCommand(system, runOptions, args))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    Map<String, Double> result = null;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("RESULT ")) {
          result = parse(line.substring("RESULT ".length()));
        } else {
          System.err.println(line);
        }
      }
    }
    // the client bounds its own lifetime; this only reaps it
    if (!process.waitFor(1, TimeUnit.MINUTES) || process.exitValue() != 0 || result == null) {
      process.destroyForcibly();
      throw new IOException(system.title + " client failed (see its output above)");
    }
    return result;
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
