package dev.typedrpc.sample.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.services.health.HealthService;
import dev.typedrpc.services.health.ServingStatus;
import dev.typedrpc.stub.ClientCalls;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chat server's {@code grpc.health.v1.Health}, called without a token as probes do: the chat is
 * SERVING once started, and a watcher sees NOT_SERVING as soon as the server drains.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatHealthTest {
  @Test
  void theChatServesUntilTheServerDrains() throws Exception {
    RpcServer server = ChatMain.startServer("127.0.0.1", 0);
    try (RpcChannel channel = RpcChannel.connect(server.address())) {
      assertThat(check(channel, ChatServiceRpc.SERVICE_NAME)).isEqualTo(ServingStatus.SERVING);
      assertThat(check(channel, HealthService.SERVER)).isEqualTo(ServingStatus.SERVING);

      try (Stream<ServingStatus> watch =
          ClientCalls.blockingServerStreaming(
              channel, HealthService.WATCH, CallOptions.DEFAULT, ChatServiceRpc.SERVICE_NAME)) {
        Iterator<ServingStatus> statuses = watch.iterator();
        assertThat(statuses.next()).isEqualTo(ServingStatus.SERVING);

        server.shutdown();

        assertThat(statuses.next()).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(statuses.hasNext()).as("the watch ends, not holding the drain open").isFalse();
      }
    } finally {
      server.close();
    }
    assertThat(server.awaitTermination(Duration.ofSeconds(30))).isTrue();
  }

  private static ServingStatus check(RpcChannel channel, String service) {
    return ClientCalls.blockingUnary(channel, HealthService.CHECK, CallOptions.DEFAULT, service);
  }
}
