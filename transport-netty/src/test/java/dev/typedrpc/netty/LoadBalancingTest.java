package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ClientCall;
import dev.typedrpc.ConnectionState;
import dev.typedrpc.LoadBalancing;
import dev.typedrpc.Metadata;
import dev.typedrpc.RetryPolicy;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Channels to several real servers on loopback, over every plaintext transport and negotiated
 * targets: round-robin spreads calls, pick-first stays and moves, a killed server leaves the calls
 * to the others, a resolver's new answer is followed, {@code localhost} is resolved.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadBalancingTest {
  private static final CallOptions WAIT = CallOptions.DEFAULT.withWaitForReady();
  private static final ChannelOptions ROUND_ROBIN =
      ChannelOptions.DEFAULT.withLoadBalancing(LoadBalancing.roundRobin());

  private final List<CountedServer> servers = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(CountedServer::close);
  }

  private List<CountedServer> start(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      servers.add(new CountedServer());
    }
    return servers;
  }

  private static URI target(String scheme, List<CountedServer> of) {
    return URI.create(
        scheme
            + "://"
            + of.stream().map(CountedServer::address).collect(Collectors.joining(","))
            + "/rpc");
  }

  private static String echo(RpcChannel channel, CallOptions options) {
    return ClientCalls.blockingUnary(channel, ConformanceService.ECHO, options, "x");
  }

  private static List<Integer> counts(List<CountedServer> of) {
    return of.stream().map(s -> s.calls.get()).toList();
  }

  private static void resetCounts(List<CountedServer> of) {
    of.forEach(s -> s.calls.set(0));
  }

  /** Calls until every one of {@code of} received one (all are connected), then zeroes counts. */
  private static void warmUp(RpcChannel channel, List<CountedServer> of) {
    for (int i = 0; i < 20_000 && of.stream().anyMatch(s -> s.calls.get() == 0); i++) {
      echo(channel, WAIT);
    }
    assertThat(counts(of)).as("calls per server while warming up").doesNotContain(0);
    resetCounts(of);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c", "typedrpc"})
  void roundRobinSpreadsCallsEvenlyOverThreeServers(String scheme) throws Exception {
    List<CountedServer> three = start(3);
    try (RpcChannel channel = RpcChannel.connect(target(scheme, three), ROUND_ROBIN)) {
      warmUp(channel, three);
      for (int i = 0; i < 300; i++) {
        assertThat(echo(channel, CallOptions.DEFAULT)).isEqualTo("x");
      }
      assertThat(counts(three)).containsExactly(100, 100, 100);
      assertThat(channel.state()).isEqualTo(ConnectionState.READY);
      assertThat(channel.transportScheme()).isNotNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c", "typedrpc"})
  void pickFirstStaysOnOneServerAndMovesWhenItStops(String scheme) throws Exception {
    List<CountedServer> three = start(3);
    // a list of addresses without options: pick-first
    try (RpcChannel channel = RpcChannel.connect(target(scheme, three))) {
      for (int i = 0; i < 30; i++) {
        echo(channel, WAIT);
      }
      assertThat(counts(three)).containsExactly(30, 0, 0);

      three.get(0).close();
      for (int i = 0; i < 30; i++) {
        echo(channel, WAIT); // waits while the channel finds the next server
      }
      assertThat(counts(three)).containsExactly(30, 30, 0);

      three.get(1).close();
      for (int i = 0; i < 30; i++) {
        echo(channel, WAIT);
      }
      assertThat(counts(three)).containsExactly(30, 30, 30);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c", "typedrpc"})
  void aServerKilledMidRunLeavesTheCallsToTheOthers(String scheme) throws Exception {
    List<CountedServer> three = start(3);
    try (RpcChannel channel = RpcChannel.connect(target(scheme, three), ROUND_ROBIN)) {
      warmUp(channel, three);
      // one call in flight on each server (round-robin), never answered
      List<CompletableFuture<Status>> hanging = new ArrayList<>();
      List<ClientCall<String, String>> hangCalls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        ClientCall<String, String> call =
            channel.newCall(ConformanceService.HANG, CallOptions.DEFAULT);
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(
            new ClientCall.Listener<>() {
              @Override
              public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
              }
            },
            Metadata.EMPTY);
        call.request(1);
        call.sendLastMessage("hang");
        hanging.add(closed);
        hangCalls.add(call);
      }
      for (int i = 0; i < 6_000 && counts(three).contains(0); i++) {
        Thread.sleep(5); // polls until the calls reached their servers (not a timing assertion)
      }
      assertThat(counts(three)).containsExactly(1, 1, 1);
      resetCounts(three);

      // calls with a retry policy run while one server is killed
      CallOptions retried = WAIT.withRetryPolicy(RetryPolicy.unavailable(5));
      CountDownLatch halfway = new CountDownLatch(100);
      AtomicReference<Throwable> failed = new AtomicReference<>();
      List<RpcException> lostInFlight = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread caller =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 600; i++) {
                    try {
                      assertThat(echo(channel, retried)).isEqualTo("x");
                    } catch (RpcException e) {
                      // the call running on the killed server when it died: if its response headers
                      // had arrived, the call was committed (as in gRPC) and is not retried
                      if (e.status().code() != Status.Code.UNAVAILABLE) {
                        throw e;
                      }
                      lostInFlight.add(e);
                    }
                    halfway.countDown();
                  }
                } catch (Throwable t) {
                  failed.set(t);
                  while (halfway.getCount() > 0) {
                    halfway.countDown();
                  }
                }
              });
      caller.start();
      assertThat(halfway.await(60, TimeUnit.SECONDS)).isTrue();
      three.get(1).server.shutdownNow();
      caller.join();
      assertThat(failed.get()).as("a call failed").isNull();
      assertThat(lostInFlight).as("calls lost with the killed server").hasSizeLessThanOrEqualTo(1);
      int lost = lostInFlight.size();
      int killedCount = three.get(1).calls.get();
      for (int i = 0; i < 90; i++) {
        echo(channel, CallOptions.DEFAULT);
      }
      assertThat(three.get(1).calls.get()).isEqualTo(killedCount);
      // the one call in flight when the server was killed may have run there and, its answer lost,
      // again on another server (the retry policy retries UNAVAILABLE until the call is committed)
      assertThat(three.get(0).calls.get() + three.get(2).calls.get())
          .isBetween(600 + 90 - lost - killedCount, 600 + 90 - lost - killedCount + 1);

      // what the call in flight on the killed server sees: UNAVAILABLE; the others go on
      CompletableFuture.anyOf(hanging.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      List<Status> ended =
          hanging.stream().filter(CompletableFuture::isDone).map(f -> f.join()).toList();
      assertThat(ended).hasSize(1);
      assertThat(ended.get(0).code()).isEqualTo(Status.Code.UNAVAILABLE);
      hangCalls.forEach(c -> c.cancel("done", null));
    }
  }

  @Test
  void everyServerDownFailsFastWithTheReasonAndWaitingCallsFindTheOneThatComesBack()
      throws Exception {
    List<CountedServer> two = start(2);
    URI target = target("ws", two);
    try (RpcChannel channel = RpcChannel.connect(target, ROUND_ROBIN)) {
      warmUp(channel, two);
      CountDownLatch failing = new CountDownLatch(1);
      channel.onStateChange(
          s -> {
            if (s == ConnectionState.TRANSIENT_FAILURE) {
              failing.countDown();
            }
          });
      int port = two.get(1).port();
      two.forEach(CountedServer::close);
      assertThat(failing.await(60, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> echo(channel, CallOptions.DEFAULT))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.status().description()).contains("no server of " + target);
              });

      // a wait-for-ready call waits, and goes to a server that comes back on the same address
      CompletableFuture<String> waiting =
          ClientCalls.futureUnary(channel, ConformanceService.ECHO, WAIT, "back");
      servers.clear();
      CountedServer back = startOn(port);
      channel.resetConnectBackoff();
      assertThat(waiting.get(60, TimeUnit.SECONDS)).isEqualTo("back");
      assertThat(back.calls.get()).isEqualTo(1);
    }
  }

  private CountedServer startOn(int port) throws Exception {
    CountedServer s = CountedServer.on(port);
    servers.add(s);
    return s;
  }

  @Test
  void aResolverThatChangesItsAnswerIsFollowed() throws Exception {
    List<CountedServer> three = start(3);
    AtomicReference<List<InetSocketAddress>> answer =
        new AtomicReference<>(
            List.of(
                new InetSocketAddress("127.0.0.1", three.get(0).port()),
                new InetSocketAddress("127.0.0.1", three.get(1).port())));
    List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    ChannelOptions options =
        ChannelOptions.DEFAULT.withLoadBalancing(
            LoadBalancing.roundRobin()
                .withResolver(
                    (host, port) -> {
                      asked.add(host + ":" + port);
                      return answer.get();
                    })
                .withRefreshInterval(java.time.Duration.ofMillis(100)));
    try (RpcChannel channel =
        RpcChannel.connect(URI.create("ws://cluster.invalid:7070/rpc"), options)) {
      warmUp(channel, three.subList(0, 2));
      assertThat(three.get(2).calls.get()).isZero();
      assertThat(asked).first().isEqualTo("cluster.invalid:7070");

      answer.set(List.of(new InetSocketAddress("127.0.0.1", three.get(2).port())));
      for (int i = 0; i < 1_000_000 && three.get(2).calls.get() == 0; i++) {
        echo(channel, WAIT);
      }
      resetCounts(three);
      for (int i = 0; i < 100; i++) {
        echo(channel, WAIT);
      }
      assertThat(counts(three)).containsExactly(0, 0, 100);
    }
  }

  @Test
  void localhostIsResolvedByTheSystemResolver() throws Exception {
    List<CountedServer> two = start(2);
    // the servers listen on 127.0.0.1 only: an IPv6 address of localhost, if any, fails to connect
    // and round-robin leaves it out
    URI target =
        URI.create(
            "ws://localhost:" + two.get(0).port() + ",localhost:" + two.get(1).port() + "/rpc");
    try (RpcChannel channel = RpcChannel.connect(target, ROUND_ROBIN)) {
      warmUp(channel, two);
      for (int i = 0; i < 10; i++) {
        echo(channel, WAIT);
      }
      assertThat(counts(two).stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
    }
  }
}
