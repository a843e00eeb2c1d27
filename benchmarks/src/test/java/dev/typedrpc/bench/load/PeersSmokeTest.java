package dev.typedrpc.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.bench.driver.LoadOptions;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each peer (RSocket-Java over TCP and WebSocket, Armeria's gRPC server under gRPC-Java's client)
 * for a fraction of a second per measurement, in its own client and server JVMs on their own class
 * paths, as the end-to-end run starts them. A peer whose class path is missing, whose JVM does not
 * start, or whose answers are wrong (the workloads check every length and stream count) fails here.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PeersSmokeTest {
  private static final LoadOptions SHORT =
      LoadOptions.parse(
          List.of(
              "--rounds=1", "--seconds=0.3", "--warmup=0", "--workloads=unary1,unary64,stream"));

  @ParameterizedTest
  @EnumSource(
      value = EchoSystem.class,
      names = {"RSOCKET_TCP", "RSOCKET_WS", "ARMERIA_GRPC"})
  void peerAnswersEveryWorkloadInItsOwnJvms(EchoSystem system) throws Exception {
    assertThat(system.unavailableReason()).isNull();
    Map<String, Double> results = Orchestrator.runClient(system, SHORT);
    for (String workload : List.of("unary1.32", "unary1.1024", "unary64.32", "unary64.1024")) {
      assertThat(results.get(workload + ".rate")).as(workload).isPositive();
      assertThat(results.get(workload + ".allocServer")).as(workload).isPositive();
      assertThat(results.get(workload + ".cpuTotalNs")).as(workload).isPositive();
    }
    assertThat(results.get("unary1.32.p50us")).isPositive();
    assertThat(results.get("stream.32.rate")).isPositive();
    assertThat(results.get("rss.server")).isPositive();
    assertThat(results.get("rss.client")).isPositive();
  }

  @Test
  void thePeerTableComparesAWithRSocketAndFWithArmeria() {
    Map<EchoSystem, List<Map<String, Double>>> rounds = new EnumMap<>(EchoSystem.class);
    rounds.put(EchoSystem.TYPEDRPC_WS, List.of(Map.of("unary64.32.rate", 300.0)));
    rounds.put(EchoSystem.GRPC, List.of(Map.of("unary64.32.rate", 100.0)));
    rounds.put(EchoSystem.GRPC_TO_TYPEDRPC, List.of(Map.of("unary64.32.rate", 200.0)));
    rounds.put(EchoSystem.RSOCKET_TCP, List.of(Map.of("unary64.32.rate", 150.0)));
    rounds.put(EchoSystem.ARMERIA_GRPC, List.of(Map.of("unary64.32.rate", 80.0)));
    String md =
        new ResultTable(
                LoadOptions.parse(List.of()),
                rounds,
                Map.of(EchoSystem.RSOCKET_WS, "its class path is missing"))
            .toMarkdown();
    assertThat(md)
        .contains("| A/G | A/H | F/I | I/D | target |")
        // A, D, F, G, H (not available), I, then A/G, A/H, F/I, I/D
        .contains(
            "| unary 64 in flight, 32 B: calls/s | 300 (300–300) | 100 (100–100) | 200 (200–200)"
                + " | 150 (150–150) | n/a | 80 (80–80) | 2.00 | — | 2.50 | 0.80 |")
        .contains("H (RSocket-Java WebSocket): not run — its class path is missing.");
  }
}
