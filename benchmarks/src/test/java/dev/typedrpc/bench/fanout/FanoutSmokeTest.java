package dev.typedrpc.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.typedrpc.bench.load.LocalRedis;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fan-out benchmark in miniature, so it never rots: 20 subscribers, node JVMs sharing a real
 * redis-server, the plain and both resumable sources, a second each. Asserts that every run
 * completes and every subscriber got every event (the report says 100 % delivered, no subscriber
 * failed, no post was refused); never a figure. Skipped only if there is no redis-server.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FanoutSmokeTest {
  @Test
  void everySubscriberGetsEveryEventOnOneAndTwoNodes() throws Exception {
    assumeTrue(
        LocalRedis.executable() != null,
        "no redis-server on the PATH (or REDIS_SERVER): the fan-out benchmark needs a real one");
    String report =
        FanoutRunner.run(
            List.of(
                "--subscribers=20",
                "--runs=broadcast:1,memory:1,redis:1,broadcast:2,redis:2",
                "--rate=20",
                "--seconds=1",
                "--warmup=0.5",
                "--rounds=1"));
    assertThat(report)
        .contains("| plain, RedisBroadcast | 1 | 20/s |")
        .contains("| plain, RedisBroadcast | 2 | maximum |")
        .contains("| @Resumable, InMemoryReplayLog | 1 | maximum |")
        .contains("| @Resumable, RedisReplayLog | 2 | 20/s |")
        .doesNotContain("failed")
        .doesNotContain("posts refused");
    // every row delivered every event: 10 rows, each 100.00 % (a stall of the maximum's loop on a
    // busy machine is reported, and only fails this if an event never arrived)
    assertThat(report.split("\\| 100\\.00 % \\|", -1)).hasSize(11);
  }

  @Test
  void rejectsARunItCannotMeasure() {
    assertThatThrownBy(() -> FanoutRun.parseAll("memory:3"))
        .hasMessageContaining("an in-memory replay log is one node's own");
    assertThatThrownBy(() -> FanoutRun.parseAll("kafka:1"))
        .hasMessageContaining("use broadcast, memory or redis");
    assertThatThrownBy(() -> FanoutOptions.parse(List.of("--in-flight=100000")))
        .hasMessageContaining("--in-flight");
  }
}
