package dev.typedrpc.bench.driver;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server JVM this process started, and the line protocol every benchmark server speaks: it prints
 * {@code PORT <n>} once listening, answers each command line with one line, and exits on {@code
 * quit}. Thread-safe.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final BufferedReader in;
  private final PrintStream out;
  private final int port;
  private final long quitSeconds;

  private ChildJvm(Process process, long quitSeconds) throws IOException {
    this.process = process;
    this.quitSeconds = quitSeconds;
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

  /**
   * Starts the JVM that {@code command} runs and waits for its port; {@link #close} gives it {@code
   * quitSeconds} to exit before it is killed.
   */
  public static ChildJvm start(List<String> command, long quitSeconds) throws IOException {
    return new ChildJvm(
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start(),
        quitSeconds);
  }

  public int port() {
    return port;
  }

  /** Sends one command line and returns the answer line. */
  public synchronized String ask(String command) throws IOException {
    out.println(command);
    String answer = in.readLine();
    if (answer == null) {
      throw new IOException("the server JVM exited");
    }
    return answer;
  }

  @Override
  public void close() {
    out.println("quit");
    try {
      if (!process.waitFor(quitSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
