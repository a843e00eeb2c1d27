package dev.typedrpc.redis;

import dev.typedrpc.replay.ReplayLog;
import dev.typedrpc.testing.AbstractReplayLogContractTest;
import dev.typedrpc.testing.TestCodecs;
import io.lettuce.core.RedisClient;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link RedisReplayLog} keeps the {@link ReplayLog} contract, on a redis-server of its own. */
class RedisReplayLogContractTest extends AbstractReplayLogContractTest {
  @RegisterExtension static final RedisServer redis = new RedisServer();

  private static RedisClient client;
  private final List<RedisReplayLog<String>> logs = new ArrayList<>();
  private final String run = UUID.randomUUID().toString();

  @BeforeAll
  static void connect() {
    client = RedisClients.create(redis);
  }

  @AfterAll
  static void disconnect() {
    RedisClients.shutdown(client);
  }

  @AfterEach
  void closeLogs() {
    logs.forEach(RedisReplayLog::close);
  }

  @Override
  protected ReplayLog<String, String> log(int window) {
    RedisReplayLog<String> log =
        RedisReplayLog.builder(TestCodecs.STRING).window(window).build(client);
    logs.add(log);
    return log;
  }

  @Override
  protected String key(String name) {
    return name + "-" + run;
  }
}
