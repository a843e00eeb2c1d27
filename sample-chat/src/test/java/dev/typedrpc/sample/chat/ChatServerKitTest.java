package dev.typedrpc.sample.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.ChannelOptions;
import dev.typedrpc.auth.Authentication;
import dev.typedrpc.auth.Authenticator;
import dev.typedrpc.auth.CallCredentials;
import dev.typedrpc.auth.Principal;
import dev.typedrpc.junit.OnEveryTransport;
import dev.typedrpc.junit.RpcExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The test kit's example in {@code docs/PRODUCTION.md}, as written there: the chat behind token
 * authentication, on every transport.
 */
@OnEveryTransport
@Timeout(60)
class ChatServerKitTest {
  @RegisterExtension
  static final RpcExtension rpc =
      RpcExtension.builder()
          .addService(ChatServiceRpc.bind(new ChatServer()))
          .configureServer(
              server ->
                  server.intercept(
                      Authentication.required(
                          Authenticator.bearer(
                              t -> t.equals("ana-token") ? Principal.of("ana") : null))))
          .channelOptions(
              ChannelOptions.DEFAULT.withInterceptors(CallCredentials.bearer(() -> "ana-token")))
          .build();

  @Test
  void joins(ChatService chat) {
    assertThat(chat.join("lobby", "ana").members()).containsExactly("ana");
  }
}
