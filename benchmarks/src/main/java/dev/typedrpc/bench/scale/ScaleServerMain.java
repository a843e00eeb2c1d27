package dev.typedrpc.bench.scale;

import dev.typedrpc.bench.driver.Jvms;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The server JVM: starts one system's broadcast server, prints {@code PORT <n>}, then answers its
 * client JVM on stdin, one line per command: {@code count} (open subscriptions), {@code memory}
 * ({@code heap rss direct} after full GCs), {@code histogram FILE} (writes the class histogram
 * there), {@code broadcast SEQ} ({@code sentNanos loopNanos targets refused}), {@code quit}. It
 * also quits when stdin closes (the client died), and after half an hour in any case.
 */
final class ScaleServerMain {
  private static final Duration LIFETIME_LIMIT = Duration.ofMinutes(30);

  private ScaleServerMain() {}

  static void run(String system) throws Exception {
    Jvms.exitAfter(LIFETIME_LIMIT, "scale benchmark server");
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (ScaleServer server = ScaleSystem.byName(system).startServer();
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      out.println("PORT " + server.port());
      for (String line = in.readLine();
          line != null && !line.equals("quit");
          line = in.readLine()) {
        out.println(answer(server, line));
      }
    }
  }

  private static String answer(ScaleServer server, String line) throws Exception {
    String[] words = line.split(" ", 2);
    return switch (words[0]) {
      case "count" -> String.valueOf(server.subscriptions());
      case "memory" -> MemorySample.takeAfterGc().toLine();
      case "histogram" -> {
        Files.writeString(Path.of(words[1]), ClassHistogram.takeText(), StandardCharsets.UTF_8);
        yield "ok";
      }
      case "broadcast" -> {
        Broadcaster.Sent sent = server.broadcast(Long.parseLong(words[1]));
        yield sent.sentNanos()
            + " "
            + sent.loopNanos()
            + " "
            + sent.targets()
            + " "
            + sent.refused();
      }
      default -> "unknown command " + line;
    };
  }
}
