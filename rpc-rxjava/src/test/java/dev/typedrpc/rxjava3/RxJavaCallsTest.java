package dev.typedrpc.rxjava3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.disposables.Disposable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RxJava types end to end, over the in-memory transport and over WebSocket on loopback. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RxJavaCallsTest {
  private final RxServiceImpl impl = new RxServiceImpl();
  private RpcServer server;
  private RpcChannel channel;

  private RxService connect(String transport) throws Exception {
    URI listen =
        URI.create(
            transport.equals("mem") ? "mem:rx-" + System.nanoTime() : "ws://127.0.0.1:0/rpc");
    server = RpcServer.builder().listen(listen).addService(RxServiceRpc.bind(impl)).build().start();
    channel = RpcChannel.connect(server.address());
    return channel.stub(RxService.class);
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

  private static <T> T await(Single<T> single) {
    return single.timeout(10, TimeUnit.SECONDS).blockingGet();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "ws"})
  void aSingleStartsItsCallOnSubscribe(String transport) throws Exception {
    RxService stub = connect(transport);
    Single<String> lazy = stub.echo("x");
    assertThat(await(stub.echo("other"))).isEqualTo("echo:other");
    assertThat(impl.echoCalls.get()).as("only the subscribed Single made a call").isEqualTo(1);
    assertThat(await(lazy)).isEqualTo("echo:x");
    assertThat(impl.echoCalls.get()).isEqualTo(2);
    assertThat(stub.touch("k").blockingAwait(10, TimeUnit.SECONDS)).isTrue();
    assertThat(impl.touches.get()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "ws"})
  void flowableDemandBecomesCreditAndTakeCancelsTheServersFlowable(String transport)
      throws Exception {
    RxService stub = connect(transport);
    List<String> first = await(stub.count(1_000_000).rebatchRequests(10).take(100).toList());
    assertThat(first).hasSize(100).startsWith("item-0").endsWith("item-99");
    assertThat(impl.countCancelled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(impl.emitted.get()).isLessThanOrEqualTo(100 + 10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "ws"})
  void disposingCancelsTheCall(String transport) throws Exception {
    RxService stub = connect(transport);
    CountDownLatch got = new CountDownLatch(1);
    Disposable flowable =
        stub.count(Integer.MAX_VALUE).rebatchRequests(1).subscribe(item -> got.countDown());
    assertThat(got.await(10, TimeUnit.SECONDS)).isTrue();
    flowable.dispose();
    assertThat(impl.countCancelled.await(10, TimeUnit.SECONDS)).isTrue();

    Disposable single = stub.hang("k").subscribe(v -> {}, e -> {});
    Thread.sleep(100); // the call reaches the server (the outcome does not depend on it)
    single.dispose();
    assertThat(impl.hangCancelled.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "ws"})
  void flowableParametersStreamRequests(String transport) throws Exception {
    RxService stub = connect(transport);
    assertThat(await(stub.join(Flowable.just("a", "b", "c")))).isEqualTo("abc");
    List<String> replies = await(stub.chat(Flowable.range(0, 1000).map(i -> "l" + i)).toList());
    assertThat(replies).hasSize(1000).startsWith("re:l0").endsWith("re:l999");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mem", "ws"})
  void aFailedSingleIsTheCallsStatus(String transport) throws Exception {
    RxService stub = connect(transport);
    assertThatThrownBy(() -> await(stub.echo("missing")))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.NOT_FOUND));
  }
}
