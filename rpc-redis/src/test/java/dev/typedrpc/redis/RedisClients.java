package dev.typedrpc.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Lettuce clients as docs/PRESENCE.md recommends them: commands fail at once while disconnected
 * (nothing queues without bound), and a lost connection is retried every 100 ms (quick tests).
 */
final class RedisClients {
  private RedisClients() {}

  static RedisClient create(RedisServer server) {
    RedisClient client =
        RedisClient.create(
            ClientResources.builder()
                .reconnectDelay(Delay.constant(Duration.ofMillis(100)))
                .build(),
            server.uri());
    client.setOptions(
        ClientOptions.builder()
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(10_000)
            .build());
    return client;
  }

  static void shutdown(RedisClient client) {
    client.shutdown(0, 10, TimeUnit.SECONDS);
    var unused = client.getResources().shutdown(0, 10, TimeUnit.SECONDS);
  }
}
