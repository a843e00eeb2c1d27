package dev.typedrpc.sample.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.auth.CallCredentials;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real chat server with a users file, on a real socket: a good token chats under its user's name
 * on every transport, a bad or missing token is UNAUTHENTICATED, another user's name is
 * PERMISSION_DENIED, and the terminal client says which.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatAuthTest {
  static final String ANA = "ana-0123456789abcdef";
  static final String BOB = "bob-0123456789abcdef";
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

  static URI target(String transport) {
    int port = server.address().getPort();
    return URI.create(
        transport.equals("h2c")
            ? "h2c://127.0.0.1:" + port
            : transport + "://127.0.0.1:" + port + "/rpc");
  }

  static ChatService chat(RpcChannel channel, String token) {
    return channel.stub(
        ChatService.class,
        CallOptions.DEFAULT.withInterceptors(CallCredentials.bearer(() -> token)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void aGoodTokenChatsUnderItsUsersName(String transport) {
    String room = "auth-" + transport;
    try (RpcChannel channel = RpcChannel.connect(target(transport))) {
      ChatService ana = chat(channel, ANA);
      ana.join(room, "ana");
      ana.post(new Post(room, "ana", "hello"));
      List<ChatMessage> history = ana.history(room, 10).join();
      assertThat(history).extracting(ChatMessage::user).containsExactly("ana");
      ana.leave(room, "ana");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void aBadTokenIsUnauthenticated(String transport) {
    try (RpcChannel channel = RpcChannel.connect(target(transport))) {
      assertThatThrownBy(() -> chat(channel, "not-a-token-of-anyone").members("lobby"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNAUTHENTICATED);
                assertThat(e.status().description()).isEqualTo("invalid Bearer credentials");
              });
    }
  }

  @Test
  void noTokenIsUnauthenticated() {
    try (RpcChannel channel = RpcChannel.connect(server.address())) {
      assertThatThrownBy(() -> channel.stub(ChatService.class).join("lobby", "ana"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAUTHENTICATED));
    }
  }

  @Test
  void aTokenCannotActUnderAnotherName() {
    try (RpcChannel channel = RpcChannel.connect(server.address())) {
      ChatService ana = chat(channel, ANA);
      assertThatThrownBy(() -> ana.join("lobby", "bob"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.PERMISSION_DENIED);
                assertThat(e.status().description()).isEqualTo("signed in as ana, not as bob");
              });
      assertThatThrownBy(() -> ana.post(new Post("lobby", "bob", "in bob's name")))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.PERMISSION_DENIED));
      assertThat(ana.history("lobby", 10).join()).isEmpty();
    }
  }

  @Test
  void aServerWithAUsersFileIssuesNoTokens() {
    try (RpcChannel channel = RpcChannel.connect(server.address())) {
      assertThatThrownBy(() -> channel.stub(SignInService.class).signIn("carol"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }
  }

  @Test
  void theTerminalClientSaysTheTokenWasRefused() throws Exception {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(screen, true, StandardCharsets.UTF_8);
    boolean joined;
    try (ChatClient client =
        new ChatClient(server.address(), "lobby", "ana", "wrong-token-for-ana", out)) {
      joined = client.run(new BufferedReader(new StringReader("hello\n")));
    }
    assertThat(joined).isFalse();
    assertThat(screen.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "! could not join #lobby as ana: UNAUTHENTICATED: invalid Bearer credentials"
                + " (the server did not accept the token: check --token)"
                + System.lineSeparator());
  }

  @Test
  void theTerminalClientJoinsWithAGoodToken() throws Exception {
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(screen, true, StandardCharsets.UTF_8);
    boolean joined;
    try (ChatClient client = new ChatClient(server.address(), "client-room", "bob", BOB, out)) {
      joined = client.run(new BufferedReader(new StringReader("hi\n/quit\n")));
    }
    assertThat(joined).isTrue();
    assertThat(screen.toString(StandardCharsets.UTF_8)).startsWith("Joined #client-room as bob.");
    try (RpcChannel channel = RpcChannel.connect(server.address())) {
      assertThat(chat(channel, ANA).history("client-room", 10).join())
          .extracting(ChatMessage::user, ChatMessage::text)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("bob", "hi"));
    }
  }
}
