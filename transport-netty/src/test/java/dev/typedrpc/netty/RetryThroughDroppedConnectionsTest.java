package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RetryPolicy;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Calls whose connection is reset under them, through a {@link FaultProxy}, after the server
 * started them: with a retry policy each call succeeds on a new connection; without one, the server
 * ran it once and the caller sees {@code UNAVAILABLE}.
 */
class RetryThroughDroppedConnectionsTest {
  private static final String NAME = "typedrpc.testing.Drop";

  /**
   * Request {@code key:drops}: the first {@code drops} executions of {@code key} reset every
   * connection of the proxy and never answer; then it answers the attempts before it.
   */
  private static final MethodDescriptor<String, String> DROPPY =
      MethodDescriptor.of(
          NAME,
          "Droppy",
          CallKind.UNARY,
          EchoService.StringCodec.INSTANCE,
          EchoService.StringCodec.INSTANCE);

  private static final RetryPolicy POLICY =
      RetryPolicy.of(
          5,
          Duration.ofMillis(10),
          Duration.ofMillis(100),
          2,
          java.util.Set.of(Status.Code.UNAVAILABLE));

  private final Map<String, List<String>> executions = new ConcurrentHashMap<>();
  private final AtomicReference<FaultProxy> proxy = new AtomicReference<>();
  private RpcServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc") // the same port serves h2c
            .addService(
                ServerServiceDefinition.builder(ServiceDescriptor.of(NAME, 1, List.of(DROPPY)))
                    .unaryAsync(DROPPY, this::droppy)
                    .build())
            .build()
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    FaultProxy p = proxy.get();
    if (p != null) {
      p.close();
    }
    if (server == null) {
      return;
    }
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  private CompletableFuture<String> droppy(String request) {
    String[] f = request.split(":");
    List<String> seen = executions.computeIfAbsent(f[0], k -> new CopyOnWriteArrayList<>());
    seen.add(String.valueOf(RpcContext.current().headers().get("grpc-previous-rpc-attempts")));
    if (seen.size() <= Integer.parseInt(f[1])) {
      proxy.get().resetAll();
      return new CompletableFuture<>(); // never answers: the connection is gone
    }
    return CompletableFuture.completedFuture("ok");
  }

  private RpcChannel channelThroughProxy(String scheme) throws Exception {
    URI address = server.address();
    FaultProxy p = new FaultProxy(address.getPort(), 1, Integer.MAX_VALUE); // faults only on demand
    proxy.set(p);
    return RpcChannel.connect(
        URI.create(
            scheme
                + "://127.0.0.1:"
                + p.port()
                + (scheme.equals("ws") ? address.getRawPath() : "")),
        ChannelOptions.DEFAULT);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "h2c"})
  void everyCallWithAPolicySucceedsThroughResetConnections(String scheme) throws Exception {
    try (RpcChannel channel = channelThroughProxy(scheme)) {
      CallOptions retried =
          CallOptions.DEFAULT.withRetryPolicy(POLICY).withTimeout(Duration.ofSeconds(60));
      for (int i = 0; i < 5; i++) {
        assertThat(ClientCalls.blockingUnary(channel, DROPPY, retried, "k" + i + ":2"))
            .isEqualTo("ok");
        assertThat(executions.get("k" + i)).containsExactly("null", "1", "2");
      }
      assertThat(proxy.get().connectionsAccepted()).isGreaterThanOrEqualTo(11);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "h2c"})
  void aCallWithoutAPolicyTheServerStartedIsNeverSentTwice(String scheme) throws Exception {
    try (RpcChannel channel = channelThroughProxy(scheme)) {
      for (int i = 0; i < 3; i++) {
        String key = "once" + i;
        assertThatThrownBy(
                () ->
                    ClientCalls.blockingUnary(
                        channel,
                        DROPPY,
                        CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(60)),
                        key + ":1"))
            .isInstanceOfSatisfying(
                RpcException.class,
                e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThat(executions.get(key)).containsExactly("null");
      }
    }
  }
}
