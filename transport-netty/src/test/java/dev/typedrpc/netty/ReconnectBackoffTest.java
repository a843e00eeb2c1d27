package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ConnectionBackoff;
import dev.typedrpc.ConnectionState;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Over real sockets: while the server is unreachable, a channel dials only as its back-off allows
 * however many calls it gets, and once the server is back it reconnects by itself after the
 * back-off.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReconnectBackoffTest {
  /**
   * 200 ms, 400 ms, then 800 ms at most; no jitter, so the count below is exact but for scheduling.
   */
  private static final ConnectionBackoff BACKOFF =
      ConnectionBackoff.DEFAULT
          .withInitialBackoff(Duration.ofMillis(200))
          .withMultiplier(2)
          .withJitter(0)
          .withMaxBackoff(Duration.ofMillis(800));

  @Test
  void downThenUpReconnectsAfterTheBackOffWithoutADialStorm() throws Exception {
    try (RpcServer server =
            RpcServer.builder()
                .listen("ws://127.0.0.1:0/rpc")
                .addService(new ConformanceService().definition())
                .build()
                .start();
        CountingGate gate = new CountingGate(server.address().getPort());
        RpcChannel channel =
            RpcChannel.connect(
                URI.create("ws://127.0.0.1:" + gate.port() + "/rpc"),
                ChannelOptions.DEFAULT.withConnectionBackoff(BACKOFF))) {
      List<ConnectionState> states = new CopyOnWriteArrayList<>();
      channel.onStateChange(states::add);

      // down: hammer the channel with fail-fast calls for 1.5 s (bounded in number too)
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
      int calls = 0;
      while (System.nanoTime() < end && calls < 20_000) {
        assertThatThrownBy(
                () ->
                    ClientCalls.blockingUnary(
                        channel, ConformanceService.ECHO, CallOptions.DEFAULT, "x"))
            .isInstanceOfSatisfying(
                RpcException.class,
                e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
        calls++;
      }
      int dialsWhileDown = gate.connections();
      // attempts at about 0, 200, 600 and 1400 ms: 4, whatever the number of calls
      assertThat(calls).isGreaterThan(100);
      assertThat(dialsWhileDown).as("connection attempts during %d calls", calls).isBetween(2, 5);
      assertThat(states)
          .contains(ConnectionState.TRANSIENT_FAILURE)
          .doesNotContain(ConnectionState.READY);

      // up: with no call made, the channel reconnects when its back-off (at most 800 ms) has passed
      gate.up();
      CompletableFuture<Void> ready = new CompletableFuture<>();
      channel.onStateChange(
          s -> {
            if (s == ConnectionState.READY) {
              ready.complete(null);
            }
          });
      ready.get(10, TimeUnit.SECONDS);
      assertThat(gate.connections() - dialsWhileDown)
          .as("attempts after the server came back")
          .isBetween(1, 2);
      assertThat(
              ClientCalls.blockingUnary(
                  channel, ConformanceService.ECHO, CallOptions.DEFAULT, "back"))
          .isEqualTo("back");
    }
  }

  @Test
  void aWaitForReadyCallStartedWhileTheServerIsDownSucceedsWhenItComesUp() throws Exception {
    try (RpcServer server =
            RpcServer.builder()
                .listen("ws://127.0.0.1:0/rpc")
                .addService(new ConformanceService().definition())
                .build()
                .start();
        CountingGate gate = new CountingGate(server.address().getPort());
        RpcChannel channel =
            RpcChannel.connect(
                URI.create("ws://127.0.0.1:" + gate.port() + "/rpc"),
                ChannelOptions.DEFAULT.withConnectionBackoff(BACKOFF))) {
      CallOptions waiting =
          CallOptions.DEFAULT.withWaitForReady().withTimeout(Duration.ofSeconds(20));
      CompletableFuture<String> call =
          ClientCalls.futureUnary(channel, ConformanceService.ECHO, waiting, "waited");
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (gate.connections() < 2 && System.nanoTime() < until) {
        Thread.sleep(10); // at least one failed attempt and one retry after the back-off
      }
      assertThat(gate.connections()).isGreaterThanOrEqualTo(2);
      assertThat(call).isNotDone();
      gate.up();
      assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("waited");
    }
  }
}
