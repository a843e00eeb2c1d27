package dev.typedrpc.sample.chat;

import static dev.typedrpc.sample.chat.ChatAuthTest.ANA;
import static dev.typedrpc.sample.chat.ChatAuthTest.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.Publishers;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.auth.CallCredentials;
import java.net.URI;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chat's presence over a real server: {@code presence} streams a snapshot and each change,
 * {@code setActivity} changes what the others see, a closed stream leaves.
 */
@Timeout(60)
class ChatPresenceTest {
  private static RpcServer server;

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

  private static ChatService as(RpcChannel channel, String token) {
    return channel.stub(
        ChatService.class,
        CallOptions.DEFAULT.withInterceptors(CallCredentials.bearer(() -> token)));
  }

  @Test
  void joinTypingAwayAndLeaveAreSeen() {
    try (RpcChannel channel = RpcChannel.connect(server.address())) {
      ChatService ana = as(channel, ANA);
      ChatService bob = as(channel, BOB);
      try (Stream<PresenceUpdate> seenByAna = Publishers.toStream(ana.presence("p", "ana"))) {
        Iterator<PresenceUpdate> updates = seenByAna.iterator();
        assertThat(updates.next())
            .isEqualTo(
                new PresenceUpdate(
                    PresenceUpdate.Change.SNAPSHOT,
                    List.of(new MemberPresence("ana", Activity.ONLINE))));
        try (Stream<PresenceUpdate> seenByBob = Publishers.toStream(bob.presence("p", "bob"))) {
          assertThat(seenByBob.iterator().next().members()).hasSize(2);
          assertThat(updates.next())
              .isEqualTo(change(PresenceUpdate.Change.JOINED, Activity.ONLINE));
          bob.setActivity("p", "bob", Activity.TYPING);
          assertThat(updates.next())
              .isEqualTo(change(PresenceUpdate.Change.CHANGED, Activity.TYPING));
          bob.setActivity("p", "bob", Activity.AWAY);
          assertThat(updates.next())
              .isEqualTo(change(PresenceUpdate.Change.CHANGED, Activity.AWAY));
        }
        // bob's call ended: he leaves
        assertThat(updates.next().change()).isEqualTo(PresenceUpdate.Change.LEFT);
      }
    }
  }

  @Test
  void anActivityNeedsAPresenceCallAndTheCallersOwnName() {
    try (RpcChannel channel = RpcChannel.connect(server.address())) {
      ChatService ana = as(channel, ANA);
      assertThatThrownBy(() -> ana.setActivity("q", "ana", Activity.TYPING))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.FAILED_PRECONDITION));
      assertThatThrownBy(() -> ana.setActivity("q", "bob", Activity.TYPING))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.PERMISSION_DENIED));
    }
  }

  private static PresenceUpdate change(PresenceUpdate.Change change, Activity activity) {
    return new PresenceUpdate(change, List.of(new MemberPresence("bob", activity)));
  }
}
