package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RetryPolicy;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Many calls through a {@link CuttingProxy} that resets every connection after a few kilobytes, at
 * random, losing a request or an answer in flight: with a retry policy every call succeeds; without
 * one, no call ever runs twice on the server (the server counts each).
 */
class RetryThroughCuttingProxyTest {
  private static final String NAME = "typedrpc.testing.Cut";
  private static final int CALLS = 200;
  private static final int IN_FLIGHT = 10;

  /** Counts the executions of its request (a call id) and answers it. */
  private static final MethodDescriptor<String, String> COUNT =
      MethodDescriptor.of(
          NAME,
          "Count",
          CallKind.UNARY,
          EchoService.StringCodec.INSTANCE,
          EchoService.StringCodec.INSTANCE);

  private static final RetryPolicy POLICY =
      RetryPolicy.of(
          5, Duration.ofMillis(10), Duration.ofMillis(100), 2, Set.of(Status.Code.UNAVAILABLE));

  /** Wait-for-ready: a call made while the channel reconnects waits instead of failing at once. */
  private static final CallOptions ONCE =
      CallOptions.DEFAULT.withWaitForReady().withTimeout(Duration.ofSeconds(60));

  private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
  private RpcServer server;
  private CuttingProxy proxy;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc") // the same port serves h2c
            .addService(
                ServerServiceDefinition.builder(ServiceDescriptor.of(NAME, 1, List.of(COUNT)))
                    .unary(
                        COUNT,
                        id -> {
                          executions
                              .computeIfAbsent(id, k -> new AtomicInteger())
                              .incrementAndGet();
                          return "ok:" + id;
                        })
                    .build())
            .build()
            .start();
    proxy = new CuttingProxy(server.address().getPort(), 11, 1024, 4096);
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  private RpcChannel channel(String scheme) {
    return channel(scheme, proxy);
  }

  private RpcChannel channel(String scheme, CuttingProxy through) {
    URI address = server.address();
    return RpcChannel.connect(
        URI.create(
            scheme
                + "://127.0.0.1:"
                + through.port()
                + (scheme.equals("ws") ? address.getRawPath() : "")),
        ChannelOptions.DEFAULT);
  }

  /** Makes {@link #CALLS} calls, {@link #IN_FLIGHT} at a time; their outcomes, by id. */
  private List<CompletableFuture<String>> calls(
      RpcChannel channel, CallOptions options, String prefix) throws InterruptedException {
    return calls(channel, options, prefix, CALLS);
  }

  /** Makes {@code count} calls, {@link #IN_FLIGHT} at a time; their outcomes, by id. */
  private List<CompletableFuture<String>> calls(
      RpcChannel channel, CallOptions options, String prefix, int count)
      throws InterruptedException {
    List<CompletableFuture<String>> all = new ArrayList<>();
    for (int i = 0; i < count; i += IN_FLIGHT) {
      List<CompletableFuture<String>> batch = new ArrayList<>();
      for (int j = i; j < i + IN_FLIGHT; j++) {
        batch.add(ClientCalls.futureUnary(channel, COUNT, options, prefix + j));
      }
      for (CompletableFuture<String> f : batch) {
        try {
          f.get(90, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          // looked at by the caller
        } catch (java.util.concurrent.TimeoutException e) {
          throw new AssertionError("a call did not end within 90 s", e);
        }
      }
      all.addAll(batch);
    }
    return all;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "h2c"})
  void everyCallWithARetryPolicySucceedsThroughCutConnections(String scheme) throws Exception {
    // A cut fails every call in flight on its connection. Cut after 1 to 4 KiB, as the other test
    // does, a connection carries about one batch of calls, so an attempt fails about every other
    // time and five in a row (the policy's bound) happen by chance. Cut after 16 to 32 KiB, an
    // attempt fails about once in ten: the connections are still cut several times, and a call
    // that used up its five attempts would mean the retries do not work.
    try (CuttingProxy milder = new CuttingProxy(server.address().getPort(), 11, 16_384, 32_768);
        RpcChannel channel = channel(scheme, milder)) {
      int count = 5 * CALLS;
      List<CompletableFuture<String>> calls =
          calls(channel, ONCE.withRetryPolicy(POLICY), "r", count);
      for (int i = 0; i < count; i++) {
        assertThat(calls.get(i).join()).isEqualTo("ok:r" + i);
        assertThat(executions.get("r" + i).get()).isBetween(1, POLICY.maxAttempts());
      }
      assertThat(milder.cuts()).as("connections cut").isGreaterThanOrEqualTo(3);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "h2c"})
  void aCallWithoutAPolicyNeverRunsTwice(String scheme) throws Exception {
    try (RpcChannel channel = channel(scheme)) {
      List<CompletableFuture<String>> calls = calls(channel, ONCE, "n");
      int failed = 0;
      for (int i = 0; i < CALLS; i++) {
        AtomicInteger ran = executions.get("n" + i);
        if (calls.get(i).isCompletedExceptionally()) {
          failed++;
          assertThat(calls.get(i))
              .failsWithin(Duration.ZERO)
              .withThrowableOfType(ExecutionException.class)
              .havingCause()
              .isInstanceOfSatisfying(
                  RpcException.class,
                  e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
          assertThat(ran == null ? 0 : ran.get()).as("executions of n%s", i).isLessThanOrEqualTo(1);
        } else {
          assertThat(calls.get(i).join()).isEqualTo("ok:n" + i);
          assertThat(ran.get()).as("executions of n%s", i).isEqualTo(1);
        }
      }
      assertThat(proxy.cuts()).as("connections cut").isGreaterThanOrEqualTo(5);
      assertThat(failed).as("calls lost with their connection").isPositive();
    }
  }
}
