package dev.typedrpc.bench.driver;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The server JVM: starts one system's server, prints {@code PORT <n>}, then answers its client JVM
 * on stdin, one line per command: {@code alloc} (heap bytes allocated so far), {@code cpu} (CPU
 * nanoseconds used so far), {@code rss} (peak RSS in KiB), {@code quit}. It also quits when stdin
 * closes (the client died), and after an hour in any case.
 */
public final class ServerMain {
  private static final Duration LIFETIME_LIMIT = Duration.ofHours(1);

  private ServerMain() {}

  public static void run(EchoEndpoints system) throws Exception {
    Jvms.exitAfter(LIFETIME_LIMIT, "benchmark server");
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (EchoServer server = system.startServer();
        BufferedReader in =
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      out.println("PORT " + server.port());
      for (String line = in.readLine();
          line != null && !line.equals("quit");
          line = in.readLine()) {
        switch (line) {
          case "alloc" -> out.println(ProcessStats.allocatedBytes());
          case "cpu" -> out.println(ProcessStats.cpuNanos());
          case "rss" -> out.println(ProcessStats.peakRssKib());
          default -> out.println("unknown command " + line);
        }
      }
    }
  }
}
