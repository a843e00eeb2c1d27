package dev.typedrpc.bench.fanout;

import dev.typedrpc.bench.load.Jvms;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A node JVM ({@link FanoutNode}) this run started. */
final class NodeProcess implements AutoCloseable {
  private final Process process;
  private final PrintStream out;
  private final int port;

  private NodeProcess(Process process) throws IOException {
    this.process = process;
    this.out = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    // JVM flags may log to stdout before main starts: skip a bounded number of lines
    String first = in.readLine();
    for (int skipped = 0; first != null && !first.startsWith("PORT ") && skipped < 100; skipped++) {
      first = in.readLine();
    }
    if (first == null || !first.startsWith("PORT ")) {
      process.destroyForcibly();
      throw new IOException("the node JVM did not start; it said: " + first);
    }
    this.port = Integer.parseInt(first.substring("PORT ".length()));
  }

  static NodeProcess start(List<String> jvmFlags, String redisUri) throws IOException {
    List<String> command = Jvms.command(jvmFlags, List.of("_fanout-node", redisUri));
    return new NodeProcess(
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    out.println("quit");
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
