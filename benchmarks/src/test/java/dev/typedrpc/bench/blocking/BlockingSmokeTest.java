package dev.typedrpc.bench.blocking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code benchmarks/run blocking} in miniature, so it never rots: one short round of each executor
 * through its own server JVM on this JVM's Java. Asserts rows, never a figure.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BlockingSmokeTest {
  @Test
  void everyExecutorIsMeasuredOrSaysWhyNot() throws Exception {
    String report =
        BlockingRunner.run(
            List.of("--seconds=1", "--rounds=1", "--inflight=16", "--modes=cached,fixed,virtual"));
    assertThat(report).containsPattern("\\| cached \\| 16 \\| [0-9,]+ \\|");
    assertThat(report).containsPattern("\\| fixed \\| 16 \\| [0-9,]+ \\|");
    if (Runtime.version().feature() >= 21) {
      assertThat(report).containsPattern("\\| virtual \\| 16 \\| [0-9,]+ \\|");
    } else {
      assertThat(report)
          .contains("| virtual | 16 | not run: virtual threads need Java 21 or later");
    }
  }
}
