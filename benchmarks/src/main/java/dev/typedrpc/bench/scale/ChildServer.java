package dev.typedrpc.bench.scale;

import dev.typedrpc.bench.load.Jvms;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server JVM ({@link ScaleServerMain}) this client started, and its line protocol. */
final class ChildServer implements ServerControl {
  private final Process process;
  private final BufferedReader in;
  private final PrintStream out;
  private final int port;

  private ChildServer(Process process) throws IOException {
    this.process = process;
    this.in =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.out = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    // JVM flags may log to stdout before main starts: skip a bounded number of lines
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

  static ChildServer start(ScaleSystem system, List<String> jvmFlags) throws IOException {
    List<String> command = Jvms.command(jvmFlags, List.of("_scale-server", system.key()));
    return new ChildServer(
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
  }

  @Override
  public int port() {
    return port;
  }

  private synchronized String ask(String command) throws IOException {
    out.println(command);
    String answer = in.readLine();
    if (answer == null) {
      throw new IOException("the server JVM exited");
    }
    return answer;
  }

  @Override
  public int subscriptions() throws IOException {
    return Integer.parseInt(ask("count"));
  }

  @Override
  public MemorySample memory() throws IOException {
    return MemorySample.parse(ask("memory"));
  }

  @Override
  public ClassHistogram histogram() throws IOException {
    Path file = Files.createTempFile("scale-histogram", ".txt");
    try {
      ask("histogram " + file);
      return ClassHistogram.parse(Files.readString(file, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Override
  public Broadcaster.Sent broadcast(long sequence) throws IOException {
    String[] words = ask("broadcast " + sequence).split(" ", -1);
    return new Broadcaster.Sent(
        Long.parseLong(words[0]),
        Long.parseLong(words[1]),
        Integer.parseInt(words[2]),
        Integer.parseInt(words[3]));
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
