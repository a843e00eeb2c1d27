package dev.typedrpc.services;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallObserver;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.LoadBalancing;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.services.greet.Greeter;
import dev.typedrpc.services.greet.GreeterImpl;
import dev.typedrpc.services.greet.GreeterRpc;
import dev.typedrpc.services.health.HealthService;
import dev.typedrpc.services.health.ServingStatus;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Health-aware round-robin over real servers on loopback: a server whose health service reports
 * NOT_SERVING (draining, or set by the application) gets no new calls, and gets them again once it
 * serves; a server without the health service counts as serving.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HealthAwareBalancingTest {
  private static final CallOptions WAIT = CallOptions.DEFAULT.withWaitForReady();
  private final List<RpcServer> servers = new ArrayList<>();
  private final List<HealthService> healths = new ArrayList<>();
  private final List<AtomicInteger> calls = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(RpcServer::close);
  }

  /**
   * A server counting its Greeter calls; with the health service unless {@code health} is false.
   */
  private String start(boolean health) throws Exception {
    AtomicInteger count = new AtomicInteger();
    HealthService h = new HealthService();
    RpcServer.Builder b =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc")
            .addService(GreeterRpc.bind(new GreeterImpl()))
            .intercept(
                call -> {
                  if (call.method().serviceName().equals("test.greet.Greeter")) {
                    count.incrementAndGet();
                  }
                  return CallObserver.NONE;
                });
    if (health) {
      b.addService(h.definition()).onShutdown(h::drain);
    }
    RpcServer server = b.build().start();
    servers.add(server);
    healths.add(h);
    calls.add(count);
    return "127.0.0.1:" + server.address().getPort();
  }

  private List<Integer> counts() {
    return calls.stream().map(AtomicInteger::get).toList();
  }

  private void resetCounts() {
    calls.forEach(c -> c.set(0));
  }

  /** Calls until {@code server} got none for 30 calls in a row (it is left out), bounded. */
  private static void callUntilLeftOut(Greeter greeter, AtomicInteger server) {
    int quiet = 0;
    for (int i = 0; i < 100_000 && quiet < 30; i++) {
      int before = server.get();
      greeter.count();
      quiet = server.get() == before ? quiet + 1 : 0;
    }
    assertThat(quiet).as("calls in a row that left the server out").isEqualTo(30);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c", "typedrpc"})
  void aServerThatStopsServingGetsNoNewCallsUntilItServesAgain(String scheme) throws Exception {
    List<String> addresses = List.of(start(true), start(true), start(false));
    URI target =
        URI.create(scheme + "://" + addresses.stream().collect(Collectors.joining(",")) + "/rpc");
    ChannelOptions options =
        ChannelOptions.DEFAULT.withLoadBalancing(LoadBalancing.roundRobin().withHealthChecks(true));
    try (RpcChannel channel = RpcChannel.connect(target, options)) {
      Greeter greeter = channel.stub(Greeter.class, WAIT);
      for (int i = 0; i < 20_000 && counts().contains(0); i++) {
        greeter.count();
      }
      // the third server has no health service: it counts as serving
      assertThat(counts()).doesNotContain(0);

      healths.get(1).setStatus(HealthService.SERVER, ServingStatus.NOT_SERVING);
      callUntilLeftOut(greeter, calls.get(1));
      resetCounts();
      for (int i = 0; i < 300; i++) {
        greeter.count();
      }
      assertThat(counts()).containsExactly(150, 0, 150);

      healths.get(1).setStatus(HealthService.SERVER, ServingStatus.SERVING);
      for (int i = 0; i < 100_000 && calls.get(1).get() == 0; i++) {
        greeter.count();
      }
      assertThat(calls.get(1).get()).isPositive();

      // draining: NOT_SERVING, then the watch ends; the server still serves its calls meanwhile
      healths.get(0).drain();
      callUntilLeftOut(greeter, calls.get(0));
      resetCounts();
      for (int i = 0; i < 300; i++) {
        greeter.count();
      }
      assertThat(counts()).containsExactly(0, 150, 150);
    }
  }
}
