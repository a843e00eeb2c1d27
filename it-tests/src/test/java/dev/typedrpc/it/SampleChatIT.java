package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcServer;
import dev.typedrpc.sample.chat.ChatClient;
import dev.typedrpc.sample.chat.ChatMain;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two terminal clients of the sample chat over real Netty: each sees what the other posts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SampleChatIT {

  /** A client driven like a terminal: lines typed in, screen text out. */
  static final class Terminal implements AutoCloseable {
    final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    final PrintWriter keyboard;
    final Thread thread;

    Terminal(RpcServer server, String name) throws IOException {
      PipedWriter writer = new PipedWriter();
      BufferedReader in = new BufferedReader(new PipedReader(writer));
      keyboard = new PrintWriter(writer, true);
      PrintStream out = new PrintStream(screen, true, StandardCharsets.UTF_8);
      thread =
          new Thread(
              () -> {
                try (ChatClient client = new ChatClient(server.address(), "lobby", name, out)) {
                  client.run(in);
                } catch (Exception e) {
                  e.printStackTrace(out);
                }
              },
              "terminal-" + name);
      thread.start();
    }

    String text() {
      return screen.toString(StandardCharsets.UTF_8);
    }

    void type(String line) {
      keyboard.println(line);
    }

    @Override
    public void close() throws InterruptedException {
      type("/quit");
      thread.join(10_000);
    }
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void secondClientSeesWhatTheFirstPosts() throws Exception {
    try (RpcServer server = ChatMain.startServer("127.0.0.1", 0)) {
      Terminal ana = new Terminal(server, "ana");
      await(() -> ana.text().contains("Type a message"), "ana to join");
      Terminal bob = new Terminal(server, "bob");
      await(() -> bob.text().contains("Type a message"), "bob to join");
      bob.type("first words"); // at once: the prompt comes only once the feed is registered
      await(() -> bob.text().contains("bob: first words"), "bob to see his first line");
      await(() -> ana.text().contains("* bob joined #lobby"), "ana to see bob join");

      ana.type("hello from ana");
      await(() -> bob.text().contains("ana: hello from ana"), "bob to see ana's message");
      await(() -> ana.text().contains("ana: hello from ana"), "ana to see her own message");
      bob.type("hi ana");
      await(() -> ana.text().contains("bob: hi ana"), "ana to see bob's message");

      bob.type("/members");
      await(() -> bob.text().contains("Members of #lobby: ana, bob"), "the member list");

      ana.close();
      await(() -> bob.text().contains("* ana left #lobby"), "bob to see ana leave");
      bob.type("/history");
      await(
          () -> bob.text().lines().filter(l -> l.endsWith("ana: hello from ana")).count() >= 2,
          "history");
      bob.close();
      assertThat(ana.thread.isAlive()).isFalse();
      assertThat(bob.thread.isAlive()).isFalse();
    }
  }
}
