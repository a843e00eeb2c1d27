package dev.typedrpc.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reactor types end to end, over the in-memory transport and over WebSocket on loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReactorCallsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ReactiveServiceImpl impl = new ReactiveServiceImpl();
  private RpcServer server;
  private RpcChannel channel;

  private ReactiveService connect(String transport) throws Exception {
    URI listen =
        URI.create(
            transport.equals("mem") ? "mem:reactor-" + System.nanoTime() : "ws://127.0.0.1:0/rpc");
    server =
        RpcServer.builder()
            .listen(listen)
            .addService(ReactiveServiceRpc.bind(impl))
            .build()
            .start();
    channel = RpcChannel.connect(server.address());
    return channel.stub(ReactiveService.class);
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(WAIT)).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "ws"})
  void aMonoStartsItsCallOnSubscribeOncePerSubscription(String transport) throws Exception {
    ReactiveService stub = connect(transport);
    Mono<String> lazy = stub.echo("x");
    assertThat(stub.echo("other").block(WAIT)).isEqualTo("echo:other");
    assertThat(impl.echoCalls.get()).as("only the subscribed Mono made a call").isEqualTo(1);
    assertThat(lazy.block(WAIT)).isEqualTo("echo:x");
    assertThat(lazy.block(WAIT)).isEqualTo("echo:x");
    assertThat(impl.echoCalls.get()).isEqualTo(3);
    assertThat(stub.touch("k").block(WAIT)).isNull();
    assertThat(impl.touches.get()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "ws"})
  void fluxDemandBecomesCreditAndTakeCancelsTheServersFlux(String transport) throws Exception {
    ReactiveService stub = connect(transport);
    List<String> first = stub.count(1_000_000).limitRate(10).take(100).collectList().block(WAIT);
    assertThat(first).hasSize(100).startsWith("item-0").endsWith("item-99");
    assertThat(impl.countCancelled.await(10, TimeUnit.SECONDS))
        .as("the server's Flux was cancelled")
        .isTrue();
    // the server produced what the client asked for (10 at a time), plus at most one batch in
    // flight
    assertThat(impl.emitted.get()).isLessThanOrEqualTo(100 + 10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "ws"})
  void disposingASubscriptionCancelsTheCall(String transport) throws Exception {
    ReactiveService stub = connect(transport);
    CountDownLatch got = new CountDownLatch(1);
    Disposable flux = stub.count(Integer.MAX_VALUE).limitRate(1).subscribe(item -> got.countDown());
    assertThat(got.await(10, TimeUnit.SECONDS)).isTrue();
    flux.dispose();
    assertThat(impl.countCancelled.await(10, TimeUnit.SECONDS)).isTrue();

    Disposable mono = stub.hang("k").subscribe();
    Thread.sleep(100); // the call reaches the server (the outcome does not depend on it)
    mono.dispose();
    assertThat(impl.hangCancelled.await(10, TimeUnit.SECONDS))
        .as("the server's Mono was cancelled")
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "ws"})
  void fluxParametersStreamRequests(String transport) throws Exception {
    ReactiveService stub = connect(transport);
    assertThat(stub.join(Flux.just("a", "b", "c")).block(WAIT)).isEqualTo("abc");
    List<String> replies =
        stub.chat(Flux.range(0, 1000).map(i -> "l" + i)).collectList().block(WAIT);
    assertThat(replies).hasSize(1000).startsWith("re:l0").endsWith("re:l999");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "ws"})
  void aFailedMonoIsTheCallsStatus(String transport) throws Exception {
    ReactiveService stub = connect(transport);
    assertThatThrownBy(() -> stub.echo("missing").block(WAIT))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.status().description()).isEqualTo("no such thing");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "ws"})
  void aResumableFluxResumesAfterTheLastTick(String transport) throws Exception {
    ReactiveService stub = connect(transport);
    List<Long> positions =
        stub.ticks("t").map(ReactiveService.Tick::position).collectList().block(WAIT);
    assertThat(positions).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(impl.tickCalls).containsExactly("-", "3");
  }
}
