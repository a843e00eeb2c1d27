package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ConnectionState;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.testing.ConformanceService;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Over real sockets, on a frame transport and on HTTP/2: a channel whose keep-alive is more
 * frequent than the server permits is sent GOAWAY too_many_pings, doubles its keep-alive time for
 * each next connection, and settles on a connection the server keeps. Without the doubling every
 * connection would end within a second.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TooManyPingsBackoffTest {
  @ParameterizedTest
  @ValueSource(strings = {"ws", "h2c"})
  void aChannelThatPingsTooOftenSlowsDownUntilTheServerKeepsItsConnection(String scheme)
      throws Exception {
    TransportSettings serverSettings =
        TransportSettings.DEFAULT.withKeepAlive(
            KeepAliveSettings.DEFAULT
                .withPermitKeepAliveTime(Duration.ofMillis(500))
                .withPermitKeepAliveWithoutCalls(true));
    TransportSettings clientSettings =
        TransportSettings.DEFAULT.withKeepAlive(
            KeepAliveSettings.DEFAULT
                .withKeepAliveTime(Duration.ofMillis(50)) // 50, 100, 200, 400 ms: too often
                .withKeepAliveWithoutCalls(true));
    try (RpcServer server =
            RpcServer.builder()
                .listen("ws://127.0.0.1:0/rpc")
                .addService(new ConformanceService().definition())
                .transportSettings(serverSettings)
                .build()
                .start();
        CountingGate gate = new CountingGate(server.address().getPort());
        RpcChannel channel =
            RpcChannel.connect(
                URI.create(
                    scheme + "://127.0.0.1:" + gate.port() + (scheme.equals("ws") ? "/rpc" : "")),
                ChannelOptions.DEFAULT.withTransport(clientSettings))) {
      gate.up();
      boolean settled = false;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
      while (!settled && System.nanoTime() < end) {
        channel.connectNow().get(10, TimeUnit.SECONDS);
        // strikes add up (a PING a permitted interval after the last valid one is valid): at 400 ms
        // the third strike comes at about 2 s; kept for 3 s, at 800 ms, the channel has settled
        long keptUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (channel.state() == ConnectionState.READY && System.nanoTime() < keptUntil) {
          Thread.sleep(20);
        }
        settled = channel.state() == ConnectionState.READY;
      }
      System.out.printf("%s: settled after %d connections%n", scheme, gate.connections());
      assertThat(settled).isTrue();
      // 50, 100, 200 and 400 ms sent away, 800 ms kept (fewer if a loaded machine delays PINGs)
      assertThat(gate.connections()).isBetween(2, 5);
    }
  }
}
