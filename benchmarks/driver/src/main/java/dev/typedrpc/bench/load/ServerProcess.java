package dev.typedrpc.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server JVM ({@link ServerMain}) this client started, and the line protocol to query it. */
final class ServerProcess implements ServerProbe, AutoCloseable {
  private final Process process;
  private final BufferedReader in;
  private final PrintStream out;
  private final int port;

  private ServerProcess(Process process) throws IOException {
    this.process = process;
    this.in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.out = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    // JVM flags such as -XX:StartFlightRecording log to stdout before main starts: skip (a bounded
    // number of) lines
    String first = in.readLine();
    for (int skipped = 0; first != null && !first.startsWith("PORT ") && skipped < 100; skipped++) {
      first = in.readLine();
    }
    if (first == null || !first.startsWith("PORT ")) {
      process.destroyForcibly();
      throw new IOException("the server JVM did not start; it said: " + first);
    }
    this.port = Integer.parseInt(first.substring("PORT ".length()));
  }

  /** Starts the server JVM that {@code command} runs ({@link EchoEndpoints#serverCommand}). */
  static ServerProcess start(List<String> command) throws IOException {
    return new ServerProcess(
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  int port() {
    return port;
  }

  private synchronized long ask(String command) throws IOException {
    out.println(command);
    String answer = in.readLine();
    if (answer == null) {
      throw new IOException("the server JVM exited");
    }
    return Long.parseLong(answer);
  }

  @Override
  public long allocatedBytes() throws IOException {
    return ask("alloc");
  }

  @Override
  public long cpuNanos() throws IOException {
    return ask("cpu");
  }

  @Override
  public long peakRssKib() throws IOException {
    return ask("rss");
  }

  @Override
  public void close() {
    out.println("quit");
    Interrupts.awaitQuietly(
        () -> {
          if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
          }
        });
  }
}
