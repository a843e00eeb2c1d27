package dev.typedrpc.sample.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.auth.CallCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chat's web page in a real browser: Debian's Chromium ({@code /usr/bin/chromium}) driven by
 * playwright-core from the Node scripts in {@code web/browser-tests/}, against the real chat server
 * ({@code chat server}'s setup) on a free loopback port. Each test runs one script; the script and
 * this class exchange lines ({@code @@ ...} on its stdout, answers on its stdin), and its whole
 * output is in the failure message. Screenshots go to {@code target/browser-screenshots/}. Without
 * Chromium the tests are skipped, saying so, except in CI ({@code CI} set), where {@code .ci/run}
 * installs it and its absence fails them.
 */
@Timeout(120)
class ChatPageBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path WEB = Path.of("web").toAbsolutePath();
  private static final Path SCREENSHOTS = Path.of("target", "browser-screenshots").toAbsolutePath();

  private RpcServer server;
  private int port;

  @BeforeAll
  static void chromiumIsThere() {
    if (!Files.isExecutable(CHROMIUM)) {
      String why =
          "Chromium is not installed at " + CHROMIUM + " (apt-get install chromium; .ci/run does)";
      if (System.getenv("CI") != null) {
        throw new AssertionError(why + ": the browser tests cannot run");
      }
      Assumptions.abort(why);
    }
    assertThat(WEB.resolve("node_modules/playwright-core"))
        .as("playwright-core is installed by the build (npm ci in web/)")
        .exists();
  }

  @BeforeEach
  void start() throws IOException {
    server = ChatServerSetup.start(URI.create("ws://127.0.0.1:0/rpc"), Accounts.dev(), null);
    port = server.address().getPort();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  private String pageUrl() {
    return "http://127.0.0.1:" + port + "/";
  }

  @Test
  void twoPagesAndTheTerminalClientSeeOneOrder() throws Exception {
    try (RpcChannel channel = RpcChannel.connect(server.address())) {
      String token = channel.stub(SignInService.class).signIn("java");
      ChatService java =
          channel.stub(
              ChatService.class,
              CallOptions.DEFAULT.withInterceptors(CallCredentials.bearer(() -> token)));
      long position = java.join("lobby", "java").position();
      List<String> seenByJava = new CopyOnWriteArrayList<>();
      channel
          .stub(
              ChatService.class,
              CallOptions.DEFAULT
                  .withInterceptors(CallCredentials.bearer(() -> token))
                  .withResumeAfter(position))
          .subscribe("lobby", "java")
          .subscribe(collect(seenByJava));

      Script script = Script.start("messages.mjs", pageUrl());
      script.expect("joined");
      java.post(new Post("lobby", "java", "hello from the terminal"));
      script.say("posted");
      String ana = script.expect("ana ").substring("ana ".length());
      String bob = script.expect("bob ").substring("bob ".length());
      script.succeeds();
      assertThat(ana).isEqualTo(bob);
      assertThat(ana).contains("java: hello from the terminal", "ana: hi, it is ana", "bob: fine");
      waitFor(() -> seenByJava.size() >= 5, "the Java client sees the 5 messages");
      assertThat(ana).isEqualTo(json(seenByJava));
    }
  }

  @Test
  void presenceAndTypingAppearAndClear() throws Exception {
    Script.start("presence.mjs", pageUrl()).succeeds();
  }

  @Test
  void theIndicatorShowsTheRoundTripOfTheBidirectionalPingOverWebSocket() throws Exception {
    Script.start("latency.mjs", pageUrl()).succeeds();
  }

  @Test
  void withoutWebSocketThePageFallsBackToSse() throws Exception {
    Script.start("fallback.mjs", pageUrl()).succeeds();
  }

  @Test
  void thePageReconnectsAndRejoinsAfterARestartOnTheSamePort() throws Exception {
    Script script = Script.start("restart.mjs", pageUrl());
    script.expect("joined");
    server.shutdownNow();
    assertThat(server.awaitTermination(java.time.Duration.ofSeconds(20))).isTrue();
    script.expect("reconnecting");
    server =
        ChatServerSetup.start(URI.create("ws://127.0.0.1:" + port + "/rpc"), Accounts.dev(), null);
    script.say("restarted");
    script.succeeds();
  }

  private static String json(List<String> items) {
    StringBuilder b = new StringBuilder("[");
    for (String s : items) {
      b.append(b.length() > 1 ? "," : "")
          .append('"')
          .append(s.replace("\\", "\\\\").replace("\"", "\\\""))
          .append('"');
    }
    return b.append(']').toString();
  }

  private static Flow.Subscriber<RoomUpdate> collect(List<String> messages) {
    return new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(RoomUpdate update) {
        if (update.event() instanceof RoomEvent.MessagePosted posted) {
          messages.add(posted.message().user() + ": " + posted.message().text());
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onComplete() {}
    };
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(end);
      Thread.sleep(20);
    }
  }

  /** One Node script: its {@code @@} lines in a queue, its whole output kept for failures. */
  private static final class Script {
    private final Process process;
    private final BlockingQueue<String> told = new LinkedBlockingQueue<>();
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final Writer stdin;

    private Script(Process process) {
      this.process = process;
      this.stdin = process.outputWriter(StandardCharsets.UTF_8);
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line; (line = r.readLine()) != null; ) {
                    output.add(line);
                    if (line.startsWith("@@ ")) {
                      told.add(line.substring(3));
                    }
                  }
                } catch (IOException e) {
                  output.add("(reading the script's output failed: " + e + ")");
                }
              },
              "browser-script-output");
      reader.setDaemon(true);
      reader.start();
    }

    static Script start(String name, String url) throws IOException {
      ProcessBuilder pb =
          new ProcessBuilder("node", "browser-tests/" + name)
              .directory(WEB.toFile())
              .redirectErrorStream(true);
      Map<String, String> env = pb.environment();
      env.put("CHAT_URL", url);
      env.put("SCREENSHOTS", SCREENSHOTS.toString());
      return new Script(pb.start());
    }

    /** Waits for the script's next {@code @@} line, which must start with {@code prefix}. */
    String expect(String prefix) throws InterruptedException {
      String line = told.poll(60, TimeUnit.SECONDS);
      assertThat(line).as("the script tells %s%n%s", prefix, log()).isNotNull().startsWith(prefix);
      return line;
    }

    void say(String line) throws IOException {
      stdin.write(line + "\n");
      stdin.flush();
    }

    void succeeds() throws InterruptedException {
      boolean ended = process.waitFor(90, TimeUnit.SECONDS);
      if (!ended) {
        process.destroyForcibly();
      }
      assertThat(ended && process.exitValue() == 0)
          .as("the script succeeds; its output:%n%s", log())
          .isTrue();
    }

    private String log() {
      return String.join("\n", new ArrayList<>(output));
    }
  }
}
