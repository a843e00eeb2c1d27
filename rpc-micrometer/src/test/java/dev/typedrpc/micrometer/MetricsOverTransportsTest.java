package dev.typedrpc.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.ChannelOptions;
import dev.typedrpc.Publishers;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real calls over each transport on loopback: the same meters on every one, tagged with it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsOverTransportsTest {
  private final SimpleMeterRegistry serverMeters = new SimpleMeterRegistry();
  private final SimpleMeterRegistry clientMeters = new SimpleMeterRegistry();
  private RpcServer server;
  private RpcChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void callsAreTimedCountedAndSizedOnEveryTransport(String transport) throws Exception {
    server =
        RpcServer.builder()
            .listen(Loopback.LISTEN)
            .intercept(RpcMetrics.of(serverMeters).serverInterceptor())
            .addService(RelayRpc.bind(new RelayImpl(null)))
            .build()
            .start();
    channel =
        RpcChannel.connect(
            Loopback.client(transport, server.address()),
            ChannelOptions.DEFAULT.withInterceptors(
                RpcMetrics.of(clientMeters).clientInterceptor()));
    Relay relay = channel.stub(Relay.class);

    assertThat(relay.hop("a")).isEqualTo("end:a");
    assertThat(relay.hop("b")).isEqualTo("end:b");
    assertThatThrownBy(() -> relay.fail("no")).isInstanceOf(RpcException.class);
    assertThat(
            Publishers.collectList(relay.chat(Publishers.just("x", "y", "z")))
                .get(20, TimeUnit.SECONDS))
        .hasSize(3);
    Loopback.await(
        () ->
            Search.in(serverMeters).name("rpc.server.duration").timers().stream()
                    .mapToLong(t -> t.count())
                    .sum()
                == 4);

    for (SimpleMeterRegistry r : new SimpleMeterRegistry[] {serverMeters, clientMeters}) {
      String side = r == serverMeters ? "server" : "client";
      assertThat(duration(r, side, "Hop", "0", transport)).isEqualTo(2);
      assertThat(duration(r, side, "Fail", "3", transport)).isEqualTo(1);
      assertThat(duration(r, side, "Chat", "0", transport)).isEqualTo(1);
      assertThat(
              r.get("rpc." + side + ".requests_per_rpc")
                  .tag("rpc.method", "Chat")
                  .summary()
                  .totalAmount())
          .isEqualTo(3);
      assertThat(
              r.get("rpc." + side + ".responses_per_rpc")
                  .tag("rpc.method", "Chat")
                  .summary()
                  .totalAmount())
          .isEqualTo(3);
      assertThat(r.get("rpc." + side + ".response.size").tag("rpc.method", "Hop").summary().count())
          .isEqualTo(2);
    }
    Loopback.await(() -> serverMeters.get("typedrpc.server.active_calls").gauge().value() == 0);
  }

  private static long duration(
      SimpleMeterRegistry r, String side, String method, String code, String transport) {
    return r.get("rpc." + side + ".duration")
        .tag("rpc.system", "typedrpc")
        .tag("rpc.service", "typedrpc.test.Relay")
        .tag("rpc.method", method)
        .tag("rpc.grpc.status_code", code)
        .tag("rpc.typedrpc.transport", transport)
        .timer()
        .count();
  }
}
