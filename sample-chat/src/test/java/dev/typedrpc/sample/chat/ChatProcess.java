package dev.typedrpc.sample.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program of this module in a JVM of its own, on the test's class path: a chat server ({@link
 * #server}) or a test program ({@link #program}). Its output is kept; {@link #ready()} waits for
 * the line a program prints once it serves ({@code listening on ws://127.0.0.1:PORT/rpc} for a
 * server). {@link #kill()} is {@code kill -9}.
 */
final class ChatProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("listening on ws://127\\.0\\.0\\.1:(\\d+)/rpc");

  final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Integer> ready = new CompletableFuture<>();

  private ChatProcess(List<String> command, String readyLine) throws IOException {
    process = new ProcessBuilder(command).redirectErrorStream(true).start();
    // should the test JVM end without closing it (a crash, a timeout), it does not live on
    Process started = process;
    Runtime.getRuntime()
        .addShutdownHook(new Thread(started::destroyForcibly, "kill-" + started.pid()));
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                  lines.add(l);
                  Matcher m = LISTENING.matcher(l);
                  if (m.find()) {
                    ready.complete(Integer.parseInt(m.group(1)));
                  } else if (l.startsWith(readyLine)) {
                    ready.complete(0);
                  }
                }
              } catch (IOException e) {
                lines.add("reader failed: " + e);
              }
              ready.completeExceptionally(new IOException("exited: " + String.join("\n", lines)));
            },
            "chat-process-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** {@code chat server --host 127.0.0.1 --port 0 <args>}. */
  static ChatProcess server(String... args) throws IOException {
    List<String> command = java(ChatMain.class);
    command.addAll(List.of("server", "--host", "127.0.0.1", "--port", "0"));
    command.addAll(List.of(args));
    return new ChatProcess(command, "\u0000"); // ready once it listens
  }

  /** The main class {@code main} with {@code args}; ready once it prints {@code readyLine}. */
  static ChatProcess program(Class<?> main, String readyLine, String... args) throws IOException {
    List<String> command = java(main);
    command.addAll(List.of(args));
    return new ChatProcess(command, readyLine);
  }

  private static List<String> java(Class<?> main) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ArrayList<>(
        List.of(
            java,
            "-Xmx192m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            main.getName()));
  }

  /** Waits until the program serves; a server's port. */
  int ready() throws Exception {
    return ready.get(60, TimeUnit.SECONDS);
  }

  /** The server's address. */
  String target() throws Exception {
    return "ws://127.0.0.1:" + ready() + "/rpc";
  }

  /** What it printed so far. */
  String output() {
    return String.join("\n", lines);
  }

  /** {@code kill -9}, and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("pid " + process.pid() + " did not die");
    }
  }

  @Override
  public void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
