package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's main job, as a newcomer runs it: the packaged chat jar started as a server process
 * and two client processes; a line typed into one client appears on the other's screen.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SampleChatProcessIT {
  private static final Path JAR = Path.of("..", "sample-chat", "target", "sample-chat.jar");

  /** A child JVM whose output lines are collected. */
  static final class Proc implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();
    final PrintWriter stdin;

    Proc(String... args) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> command = new java.util.ArrayList<>(List.of(java, "-jar", JAR.toString()));
      command.addAll(List.of(args));
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      stdin =
          new PrintWriter(
              new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                  }
                } catch (IOException e) {
                  lines.add("reader failed: " + e);
                }
              });
      reader.setDaemon(true);
      reader.start();
    }

    String awaitLine(String regex) throws InterruptedException {
      Pattern p = Pattern.compile(regex);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < end) {
        for (String l : lines) {
          if (p.matcher(l).find()) {
            return l;
          }
        }
        Thread.sleep(50);
      }
      throw new AssertionError("no line matching " + regex + " in " + lines);
    }

    @Override
    public void close() throws InterruptedException {
      stdin.close();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      process.destroyForcibly();
    }
  }

  @Test
  void twoClientProcessesTalkThroughTheServerProcess() throws Exception {
    assertThat(Files.exists(JAR)).as("the packaged chat at " + JAR.toAbsolutePath()).isTrue();
    try (Proc server = new Proc("server", "--port", "0")) {
      Matcher m =
          Pattern.compile("listening on (ws://\\S+)")
              .matcher(server.awaitLine("listening on ws://127\\.0\\.0\\.1:\\d+/rpc"));
      assertThat(m.find()).isTrue();
      String address = m.group(1);
      try (Proc ana = new Proc("client", "--name", "ana", "--server", address);
          Proc bob = new Proc("client", "--name", "bob", "--server", address)) {
        ana.awaitLine("Type a message");
        bob.awaitLine("Type a message");
        ana.stdin.println("hello from another process");
        bob.awaitLine("ana: hello from another process");
        ana.stdin.println("/quit");
        bob.awaitLine("\\* ana left #lobby");
        bob.stdin.println("/quit");
        assertThat(ana.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(bob.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(ana.process.exitValue()).isZero();
      }
      server.process.destroy();
      assertThat(server.process.waitFor(15, TimeUnit.SECONDS)).isTrue();
    }
  }
}
