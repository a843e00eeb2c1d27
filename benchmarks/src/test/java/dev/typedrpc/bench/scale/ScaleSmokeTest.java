package dev.typedrpc.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scale benchmark in miniature, so it never rots: a few hundred subscriptions per system, and
 * one run through the separate server and client JVMs of {@code benchmarks/run scale}. Asserts that
 * each run completes and every subscriber got every broadcast exactly once, in order (the
 * measurement itself fails otherwise); never a figure.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ScaleSmokeTest {
  @ParameterizedTest
  @ValueSource(strings = {"ws:200x1", "sse:50x1", "h2c:2x50", "grpc:2x50"})
  void everySubscriberGetsEveryBroadcast(String spec) throws Exception {
    Scenario run = Scenario.parse(spec);
    Map<String, Double> results;
    try (ServerControl server = ServerControl.inProcess(run.system().startServer())) {
      results = new ScaleClient(run, 10, server, 2, false, false).measure();
    }
    assertThat(results)
        .containsEntry("streams", (double) run.streams())
        .containsKeys("server.heap", "server.rss", "broadcast.p99Ms", "broadcast.loopMs");
  }

  @Test
  void runsInSeparateJvmsAndReports() throws Exception {
    String report =
        ScaleRunner.run(ScaleOptions.parse(List.of("--runs=ws:20x1", "--broadcasts=1")));
    assertThat(report)
        .contains("| typedrpc WebSocket ws:20x1 | 20 × 1 |")
        .contains("≤ 16 KiB heap per idle WebSocket connection")
        .doesNotContain("failed");
  }

  @Test
  void rejectsAMalformedRun() {
    assertThatThrownBy(() -> Scenario.parse("ws:10000"))
        .hasMessageContaining("system:CONNECTIONSxSTREAMS");
    assertThatThrownBy(() -> Scenario.parse("quic:1x1"))
        .hasMessageContaining("use ws, sse, h2c or grpc");
  }
}
