package dev.typedrpc.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.bench.driver.EchoClient;
import dev.typedrpc.bench.driver.EchoServer;
import dev.typedrpc.bench.driver.LoadOptions;
import dev.typedrpc.bench.driver.OpenLoop;
import dev.typedrpc.bench.driver.ServerProbe;
import dev.typedrpc.bench.driver.Workloads;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ceiling's variants and the open-loop workload in miniature, a second per measurement, so they
 * never rot. Every response is checked by the workloads themselves (a wrong length or a missing
 * stream message fails the run); the assertions here only say that each measurement produced its
 * figures, never what they are.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CeilingAndOpenLoopSmokeTest {
  private static final LoadOptions CLOSED =
      LoadOptions.parse(List.of("--seconds=1", "--workloads=unary64,stream"));
  private static final LoadOptions OPEN =
      LoadOptions.parse(List.of("--seconds=1", "--workloads=open"));

  @ParameterizedTest
  @EnumSource(RawVariant.class)
  void everyRawVariantEchoesAndStreams(RawVariant variant) throws Exception {
    Map<String, Double> results;
    try (EchoServer server = RawNettyEcho.startServer(variant);
        EchoClient client = RawNettyEcho.connect(server.port(), variant)) {
      client.call(new byte[1024]);
      Workloads workloads = new Workloads(client, ServerProbe.SAME_JVM, CLOSED);
      workloads.runAll(CLOSED.seconds(), true);
      results = workloads.results();
    }
    assertThat(results.get("unary64.32.rate")).isPositive();
    assertThat(results.get("unary64.1024.rate")).isPositive();
    assertThat(results.get("stream.32.rate")).isPositive();
  }

  @ParameterizedTest
  @EnumSource(
      value = EchoSystem.class,
      names = {"TYPEDRPC_WS", "GRPC", "RAW_NETTY"})
  void openLoopReportsLatencyAtEveryLoad(EchoSystem system) throws Exception {
    Map<String, Double> results;
    try (EchoServer server = system.startServer();
        EchoClient client = system.connect(server.port())) {
      Workloads workloads = new Workloads(client, ServerProbe.SAME_JVM, OPEN);
      workloads.runAll(OPEN.seconds(), true);
      results = workloads.results();
    }
    assertThat(results.get("open.maxRate")).isPositive();
    for (int percent : OpenLoop.LOAD_PERCENTS) {
      String key = "open" + percent;
      assertThat(results.get(key + ".targetRate"))
          .isEqualTo(results.get("open.maxRate") * percent / 100);
      assertThat(results.get(key + ".rate")).isPositive();
      assertThat(results.get(key + ".p50us")).isPositive();
      assertThat(results.get(key + ".p999us")).isGreaterThanOrEqualTo(results.get(key + ".p50us"));
    }
  }

  @Test
  void framesWrittenBeforeAFlushLeaveAsOneBuffer() {
    EmbeddedChannel channel = new EmbeddedChannel(new FramePacker());
    for (int i = 1; i <= 3; i++) {
      channel.write(Unpooled.wrappedBuffer(new byte[] {(byte) i}), channel.voidPromise());
    }
    assertThat((Object) channel.readOutbound()).isNull();
    channel.flush();
    ByteBuf pack = channel.readOutbound();
    try {
      assertThat(pack.readableBytes()).isEqualTo(3 * 5);
      for (int i = 1; i <= 3; i++) {
        assertThat(pack.readInt()).isEqualTo(1);
        assertThat(pack.readByte()).isEqualTo((byte) i);
      }
    } finally {
      pack.release();
    }
    assertThat((Object) channel.readOutbound()).isNull();
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void theRawColumnIsTheBestVariantAndSaysWhich() {
    Map<RawVariant, List<Map<String, Double>>> ceiling = new EnumMap<>(RawVariant.class);
    ceiling.put(RawVariant.PLAIN, List.of(Map.of("stream.32.rate", 100.0, "unary1.32.p50us", 5.0)));
    ceiling.put(
        RawVariant.PACKED, List.of(Map.of("stream.32.rate", 300.0, "unary1.32.p50us", 9.0)));
    Map<EchoSystem, List<Map<String, Double>>> rounds = new EnumMap<>(EchoSystem.class);
    rounds.put(
        EchoSystem.TYPEDRPC_WS, List.of(Map.of("stream.32.rate", 150.0, "unary1.32.p50us", 10.0)));
    String md =
        new ResultTable(LoadOptions.parse(List.of()), rounds, Map.of(), ceiling).toMarkdown();
    assertThat(md)
        .contains("E: raw Netty echo, best variant")
        .contains("| server streaming, 32 B: messages/s | 150 (150–150) |")
        .contains("| 300 (300–300) packed | — | — | 0.50 |") // F, then A/D and A/E
        .contains("| 5.0 (5.0–5.0) plain | — | — | 2.00 |")
        .contains("| E plain | E packed |")
        .doesNotContain("open loop");
  }
}
