package dev.typedrpc.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Open connections per transport on both sides, and a negotiating channel's fallbacks. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionMetricsTest {
  private final SimpleMeterRegistry serverMeters = new SimpleMeterRegistry();
  private final SimpleMeterRegistry clientMeters = new SimpleMeterRegistry();
  private RpcServer server;
  private RpcChannel channel;

  private void startServer() throws Exception {
    server =
        RpcServer.builder()
            .listen(Loopback.LISTEN)
            .transportEvents(RpcMetrics.of(serverMeters).serverTransportEvents())
            .addService(RelayRpc.bind(new RelayImpl(null)))
            .build()
            .start();
  }

  private RpcChannel connect(URI target, ChannelOptions options) {
    return RpcChannel.connect(
        target, options.withTransportEvents(RpcMetrics.of(clientMeters).clientTransportEvents()));
  }

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
  void bothSidesCountTheOpenConnectionPerTransport(String transport) throws Exception {
    startServer();
    channel = connect(Loopback.client(transport, server.address()), ChannelOptions.DEFAULT);
    assertThat(channel.stub(Relay.class).hop("x")).isEqualTo("end:x");

    Loopback.await(() -> connections(serverMeters, "server", transport) == 1);
    assertThat(connections(clientMeters, "client", transport)).isEqualTo(1);

    channel.shutdownNow();
    assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    Loopback.await(() -> connections(serverMeters, "server", transport) == 0);
    assertThat(connections(clientMeters, "client", transport)).isZero();
  }

  @Test
  void aTransportTheChannelMovesOnFromIsCounted() throws Exception {
    startServer();
    URI negotiate = URI.create("typedrpc://127.0.0.1:" + server.address().getPort() + "/rpc");
    // the server has no certificate: the TLS attempt fails, and the channel falls back to ws
    channel = connect(negotiate, ChannelOptions.DEFAULT.withTransportOrder(List.of("wss", "ws")));
    assertThat(channel.stub(Relay.class).hop("y")).isEqualTo("end:y");

    assertThat(
            clientMeters
                .get("typedrpc.client.transport_fallbacks")
                .tag("rpc.typedrpc.transport", "wss")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(connections(clientMeters, "client", "ws")).isEqualTo(1);
  }

  private static double connections(MeterRegistry r, String side, String transport) {
    var gauge =
        Search.in(r)
            .name("typedrpc." + side + ".connections")
            .tag("rpc.typedrpc.transport", transport)
            .gauge();
    return gauge == null ? -1 : gauge.value();
  }
}
