package dev.typedrpc.sample.chat;

import static dev.typedrpc.sample.chat.ChatAuthTest.ANA;
import static dev.typedrpc.sample.chat.ChatAuthTest.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.Publishers;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.auth.CallCredentials;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No gap between {@code join} and {@code subscribe}: a subscription from the welcome's position
 * sees what happened in between, and two terminals started together each learn of the other.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatResumeTest {
  static RpcServer server;

  @BeforeAll
  static void start() throws Exception {
    server =
        ChatServerSetup.start(
            URI.create("ws://127.0.0.1:0/rpc"), Accounts.of(Map.of("ana", ANA, "bob", BOB)), null);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static URI target(String transport) {
    int port = server.address().getPort();
    return URI.create(
        transport.equals("h2c")
            ? "h2c://127.0.0.1:" + port
            : transport + "://127.0.0.1:" + port + "/rpc");
  }

  private static CallOptions as(String token) {
    return CallOptions.DEFAULT.withInterceptors(CallCredentials.bearer(() -> token));
  }

  private static List<RoomEvent> first(
      RpcChannel channel, String token, String room, String user, long after, int n) {
    ChatService feed = channel.stub(ChatService.class, as(token).withResumeAfter(after));
    try (Stream<RoomUpdate> updates = Publishers.toStream(feed.subscribe(room, user))) {
      return updates.limit(n).map(RoomUpdate::event).toList();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void whatHappensBetweenJoinAndSubscribeIsNotMissed(String transport) {
    String room = "gap-" + transport;
    try (RpcChannel channel = RpcChannel.connect(target(transport))) {
      ChatService ana = channel.stub(ChatService.class, as(ANA));
      ChatService bob = channel.stub(ChatService.class, as(BOB));
      Welcome anaWelcome = ana.join(room, "ana");
      Welcome bobWelcome = bob.join(room, "bob");
      ana.post(new Post(room, "ana", "before bob subscribed"));

      List<RoomEvent> bobSees = first(channel, BOB, room, "bob", bobWelcome.position(), 2);
      assertThat(bobSees.get(0))
          .isInstanceOfSatisfying(
              RoomEvent.MemberJoined.class, j -> assertThat(j.user()).isEqualTo("bob"));
      assertThat(bobSees.get(1))
          .isInstanceOfSatisfying(
              RoomEvent.MessagePosted.class,
              p -> assertThat(p.message().text()).isEqualTo("before bob subscribed"));

      List<RoomEvent> anaSees = first(channel, ANA, room, "ana", anaWelcome.position(), 3);
      assertThat(anaSees)
          .extracting(e -> e.getClass().getSimpleName())
          .containsExactly("MemberJoined", "MemberJoined", "MessagePosted");
      assertThat(((RoomEvent.MemberJoined) anaSees.get(1)).user()).isEqualTo("bob");
    }
  }

  @Test
  void twoTerminalsStartedTogetherEachLearnOfTheOther() throws Exception {
    Terminal ana = new Terminal("ana", ANA);
    Terminal bob = new Terminal("bob", BOB);
    try {
      // each learns of the other: in its welcome's member list, or as a "joined" line
      waitFor(() -> ana.sees("bob"), ana);
      waitFor(() -> bob.sees("ana"), bob);
      ana.type("hi bob");
      waitFor(() -> bob.screen().contains("ana: hi bob"), bob);
      bob.type("hi ana");
      waitFor(() -> ana.screen().contains("bob: hi ana"), ana);
    } finally {
      ana.quit();
      bob.quit();
    }
    assertThat(ana.done.get(30, TimeUnit.SECONDS)).isTrue();
    assertThat(bob.done.get(30, TimeUnit.SECONDS)).isTrue();
  }

  private static void waitFor(BooleanSupplier condition, Terminal t) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waiting; screen:%n%s", t.screen()).isNegative();
      Thread.sleep(10);
    }
  }

  /** A terminal client in a thread of its own, with a keyboard and a screen. */
  private static final class Terminal {
    private final String user;
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    private final PipedWriter keyboard = new PipedWriter();
    final CompletableFuture<Boolean> done;

    Terminal(String user, String token) throws Exception {
      this.user = user;
      PipedReader lines = new PipedReader(keyboard);
      PrintStream out = new PrintStream(screen, true, StandardCharsets.UTF_8);
      done =
          CompletableFuture.supplyAsync(
              () -> {
                try (ChatClient client =
                    new ChatClient(server.address(), "together", user, token, out)) {
                  return client.run(new BufferedReader(lines));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
    }

    String screen() {
      synchronized (screen) {
        return screen.toString(StandardCharsets.UTF_8);
      }
    }

    boolean sees(String other) {
      String s = screen();
      int members = s.indexOf("Joined #together as " + user + ". Members: ");
      String memberLine = members < 0 ? "" : s.substring(members).lines().findFirst().orElse("");
      return memberLine.contains(other) || s.contains("* " + other + " joined #together");
    }

    void type(String line) throws Exception {
      keyboard.write(line + "\n");
      keyboard.flush();
    }

    void quit() throws Exception {
      keyboard.write("/quit\n");
      keyboard.close();
    }
  }
}
