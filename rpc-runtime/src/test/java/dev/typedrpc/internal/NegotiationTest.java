package dev.typedrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ConnectionState;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@code typedrpc://} channel tries transports in order, falls back, remembers, and reports its
 * state.
 */
@Timeout(30)
class NegotiationTest {
  private final String name = "negotiation-" + UUID.randomUUID();
  private RpcServer server;
  private final List<RpcChannel> channels = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen("mem:" + name)
            .addService(new ConformanceService().definition())
            .build()
            .start();
  }

  @AfterEach
  void stop() {
    channels.forEach(RpcChannel::close);
    server.close();
  }

  private RpcChannel channel(String target, List<String> order) {
    RpcChannel c =
        RpcChannel.connect(
            URI.create(target),
            ChannelOptions.DEFAULT
                .withTransportOrder(order)
                .withAttemptTimeout(Duration.ofMillis(300)));
    channels.add(c);
    return c;
  }

  private static String echo(RpcChannel c, String s) {
    return ClientCalls.blockingUnary(c, ConformanceService.ECHO, CallOptions.DEFAULT, s);
  }

  @Test
  void fallsBackPastTransportsThatFailAndRemembersTheOneThatWorked() throws Exception {
    RpcChannel c =
        channel(
            "typedrpc://" + name + ":7070/rpc",
            List.of("refuse", "blackhole", "nosuch", "memhost"));
    List<ConnectionState> seen = new CopyOnWriteArrayList<>();
    c.onStateChange(seen::add);
    assertThat(c.state()).isEqualTo(ConnectionState.IDLE);

    // calls made while negotiating wait, then go out on the transport that won
    List<CompletableFuture<String>> early = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      early.add(
          ClientCalls.futureUnary(c, ConformanceService.ECHO, CallOptions.DEFAULT, "early" + i));
    }
    for (int i = 0; i < 20; i++) {
      assertThat(early.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("early" + i);
    }
    assertThat(c.transportScheme()).isEqualTo("memhost");
    assertThat(seen).containsExactly(ConnectionState.CONNECTING, ConnectionState.READY);

    // the server drops the connection; the next call reconnects, trying the remembered transport
    // first
    int refusedBefore = TestTransports.REFUSE_ATTEMPTS.get();
    int blackholeBefore = TestTransports.BLACKHOLE_ATTEMPTS.get();
    server.shutdownNow();
    server.awaitTermination(Duration.ofSeconds(5));
    awaitState(c, ConnectionState.IDLE);
    server =
        RpcServer.builder()
            .listen("mem:" + name)
            .addService(new ConformanceService().definition())
            .build()
            .start();
    assertThat(echo(c, "again")).isEqualTo("again");
    assertThat(TestTransports.REFUSE_ATTEMPTS.get()).isEqualTo(refusedBefore);
    assertThat(TestTransports.BLACKHOLE_ATTEMPTS.get()).isEqualTo(blackholeBefore);
  }

  @Test
  void aChannelClosedWhileAnAttemptIsStartingShutsItDownOnceStarted() throws Exception {
    TestTransports.SlowStart.reset();
    // the black hole's attempt times out, so the next attempt starts on the timer's thread, as a
    // failed attempt's next one does in production, while the channel is closed on this one
    RpcChannel c = channel("typedrpc://" + name + ":7070/rpc", List.of("blackhole", "slowstart"));
    CompletableFuture<String> call =
        ClientCalls.futureUnary(c, ConformanceService.ECHO, CallOptions.DEFAULT, "x");
    assertThat(TestTransports.SlowStart.entered.await(10, TimeUnit.SECONDS)).isTrue();

    c.shutdownNow(); // while the attempt's start() runs: must neither throw nor leave it open
    TestTransports.SlowStart.release.countDown();

    assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(RpcException.class);
    assertThat(c.awaitTermination(Duration.ofSeconds(10))).isTrue();
    // the attempt is shut down by the thread that started it, once its start() returned
    assertThat(TestTransports.SlowStart.shutDown.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(TestTransports.SlowStart.EVENTS).hasSize(2);
    assertThat(TestTransports.SlowStart.EVENTS.get(0)).isEqualTo("started");
    assertThat(TestTransports.SlowStart.EVENTS.get(1)).startsWith("shut down: ");
  }

  @Test
  void whenNothingConnectsCallsFailWithEveryReason() throws Exception {
    RpcChannel c =
        channel("typedrpc://" + name + ":7070/rpc", List.of("refuse", "blackhole", "nosuch"));
    assertThatThrownBy(() -> echo(c, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.status().description())
                  .contains("refuse: UNAVAILABLE: connection refused")
                  .contains("blackhole: no handshake within 300 ms")
                  .contains("nosuch: no transport on the class path");
            });
    assertThat(c.state()).isEqualTo(ConnectionState.TRANSIENT_FAILURE);
    assertThatThrownBy(() -> c.connectNow().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
  }

  @Test
  void aPinnedTransportIsUsedAsIs() throws Exception {
    RpcChannel c = channel("memhost://" + name + ":1/", List.of("refuse"));
    c.connectNow().get(10, TimeUnit.SECONDS);
    assertThat(c.state()).isEqualTo(ConnectionState.READY);
    assertThat(c.transportScheme()).isEqualTo("memhost");
    assertThat(echo(c, "pinned")).isEqualTo("pinned");
    c.shutdown();
    assertThat(c.state()).isEqualTo(ConnectionState.SHUTDOWN);
  }

  private static void awaitState(RpcChannel c, ConnectionState wanted) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (c.state() != wanted) {
      if (System.nanoTime() > end) {
        throw new AssertionError("state stayed " + c.state() + ", expected " + wanted);
      }
      Thread.sleep(10);
    }
  }
}
