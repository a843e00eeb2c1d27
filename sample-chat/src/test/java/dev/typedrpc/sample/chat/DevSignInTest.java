package dev.typedrpc.sample.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.auth.CallCredentials;
import dev.typedrpc.auth.RateLimits;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A chat server in dev mode (what {@code ./chat server} starts without a users file), on a real
 * socket: sign-in gives a token for a name no one is in the chat with, and only that token acts
 * under the name.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DevSignInTest {

  static ChatService chat(RpcChannel channel, String token) {
    return channel.stub(
        ChatService.class,
        CallOptions.DEFAULT.withInterceptors(CallCredentials.bearer(() -> token)));
  }

  static Status.Code code(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (RpcException e) {
      return e.status().code();
    }
  }

  @Test
  void aNameIsTakenWhileItsUserIsInTheChat() throws Exception {
    try (RpcServer server = ChatMain.startServer("127.0.0.1", 0);
        RpcChannel channel = RpcChannel.connect(server.address())) {
      SignInService signIn = channel.stub(SignInService.class);
      String first = signIn.signIn("ana");
      assertThat(first).hasSizeGreaterThanOrEqualTo(24);
      chat(channel, first).join("lobby", "ana");

      assertThatThrownBy(() -> signIn.signIn("ana"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.ALREADY_EXISTS);
                assertThat(e.status().description())
                    .isEqualTo("ana is in the chat already: pick another --name");
              });
      assertThat(code(() -> chat(channel, first).join("lobby", "bob")))
          .isEqualTo(Status.Code.PERMISSION_DENIED);

      chat(channel, first).leave("lobby", "ana");
      String second = signIn.signIn("ana"); // free again: a new token, the old one revoked
      assertThat(second).isNotEqualTo(first);
      assertThat(code(() -> chat(channel, first).members("lobby")))
          .isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(chat(channel, second).join("lobby", "ana").members()).containsExactly("ana");
    }
  }

  @Test
  void signInIsRateLimitedPerClientAddress() throws Exception {
    try (RpcServer server = ChatMain.startServer("127.0.0.1", 0);
        RpcChannel channel = RpcChannel.connect(server.address())) {
      SignInService signIn = channel.stub(SignInService.class);
      RpcException refused = null;
      // 10 a minute: 40 sign-ins in a row are refused at some point however slow the machine
      for (int i = 0; i < 40 && refused == null; i++) {
        try {
          signIn.signIn("user" + i);
        } catch (RpcException e) {
          refused = e;
        }
      }
      assertThat(refused).isNotNull();
      assertThat(refused.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(refused.trailers().get(RateLimits.PUSHBACK_TRAILER)).isNotNull();
    }
  }

  @Test
  void signInChecksTheName() throws Exception {
    try (RpcServer server = ChatMain.startServer("127.0.0.1", 0);
        RpcChannel channel = RpcChannel.connect(server.address())) {
      assertThat(code(() -> channel.stub(SignInService.class).signIn(" ")))
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
  }
}
