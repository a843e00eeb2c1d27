package dev.typedrpc.resilience4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.MessageCodec;
import dev.typedrpc.stub.ClientCalls;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@link CircuitBreakerInterceptor} in front of real servers on loopback, over WebSocket and
 * HTTP/2: a server that keeps failing opens its endpoint's breaker, calls then fail fast without
 * reaching it, another endpoint is not affected, and once the server recovers the half-open
 * breaker's probes close it again.
 */
class CircuitBreakerInterceptorTest {
  private static final String NAME = "typedrpc.testing.Breaker";

  /** Answers {@code ok:<request>}, or fails with UNAVAILABLE while its server is failing. */
  private static final MethodDescriptor<String, String> WORK =
      MethodDescriptor.of(NAME, "Work", CallKind.UNARY, Text.INSTANCE, Text.INSTANCE);

  private static final CallOptions TIMEOUT =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30));

  private final Backend flaky = new Backend();
  private final Backend healthy = new Backend();

  @AfterEach
  void stop() throws Exception {
    flaky.close();
    healthy.close();
  }

  private static CircuitBreakerInterceptor breakers() {
    return CircuitBreakerInterceptor.of(
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(4)
                .minimumNumberOfCalls(4)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMillis(100))
                .permittedNumberOfCallsInHalfOpenState(2)
                .build()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "h2c"})
  void aFailingEndpointIsCutOffThenProbedBackWhenItRecovers(String scheme) throws Exception {
    CircuitBreakerInterceptor breakers = breakers();
    flaky.start();
    healthy.start();
    ChannelOptions options = ChannelOptions.DEFAULT.withInterceptors(breakers);
    try (RpcChannel toFlaky = RpcChannel.connect(flaky.uri(scheme), options);
        RpcChannel toHealthy = RpcChannel.connect(healthy.uri(scheme), options)) {
      flaky.failing.set(true);
      for (int i = 0; i < 4; i++) {
        assertStatus(toFlaky, "f" + i, Status.Code.UNAVAILABLE, "down");
      }
      CircuitBreaker breaker = breakers.breaker(flaky.uri(scheme));
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
      assertThat(flaky.executions.get()).isEqualTo(4);

      // open: calls fail fast, and never reach the server
      assertStatus(toFlaky, "rejected", Status.Code.UNAVAILABLE, "circuit breaker");
      assertThat(flaky.executions.get()).isEqualTo(4);
      // another endpoint has its own breaker
      assertThat(ClientCalls.blockingUnary(toHealthy, WORK, TIMEOUT, "h")).isEqualTo("ok:h");
      assertThat(breakers.breaker(healthy.uri(scheme)).getState())
          .isEqualTo(CircuitBreaker.State.CLOSED);

      // the server recovers: after the open wait, the half-open breaker lets probes through
      flaky.failing.set(false);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      String answer = null;
      while (answer == null) {
        assertThat(System.nanoTime()).as("a probe went through within 30 s").isLessThan(deadline);
        try {
          answer = ClientCalls.blockingUnary(toFlaky, WORK, TIMEOUT, "probe");
        } catch (RpcException e) {
          assertThat(e.status().description()).contains("circuit breaker", "is open");
          Thread.sleep(10); // the breaker's open wait is 100 ms
        }
      }
      assertThat(answer).isEqualTo("ok:probe");
      assertThat(flaky.executions.get()).isEqualTo(5); // the rejected calls were never sent
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
      assertThat(ClientCalls.blockingUnary(toFlaky, WORK, TIMEOUT, "probe2"))
          .isEqualTo("ok:probe2");
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "h2c"})
  void aFailedProbeOpensTheBreakerAgain(String scheme) throws Exception {
    CircuitBreakerInterceptor breakers = breakers();
    flaky.start();
    try (RpcChannel channel =
        RpcChannel.connect(flaky.uri(scheme), ChannelOptions.DEFAULT.withInterceptors(breakers))) {
      flaky.failing.set(true);
      for (int i = 0; i < 4; i++) {
        assertStatus(channel, "f" + i, Status.Code.UNAVAILABLE, "down");
      }
      CircuitBreaker breaker = breakers.breaker(flaky.uri(scheme));
      breaker.transitionToHalfOpenState(); // as after the open wait
      assertStatus(channel, "probe", Status.Code.UNAVAILABLE, "down");
      assertStatus(channel, "probe2", Status.Code.UNAVAILABLE, "down");
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
      assertThat(flaky.executions.get()).isEqualTo(6);
    }
  }

  /** Statuses that are not failure codes (the endpoint answered) keep the breaker closed. */
  @ParameterizedTest
  @ValueSource(strings = {"ws", "h2c"})
  void otherStatusesAreNotFailures(String scheme) throws Exception {
    CircuitBreakerInterceptor breakers = breakers();
    flaky.start();
    try (RpcChannel channel =
        RpcChannel.connect(flaky.uri(scheme), ChannelOptions.DEFAULT.withInterceptors(breakers))) {
      for (int i = 0; i < 10; i++) {
        assertStatus(channel, "bad", Status.Code.INVALID_ARGUMENT, "bad request");
      }
      assertThat(breakers.breaker(flaky.uri(scheme)).getState())
          .isEqualTo(CircuitBreaker.State.CLOSED);
      assertThat(flaky.executions.get()).isEqualTo(10);
    }
  }

  @org.junit.jupiter.api.Test
  void failureCodesAreValidatedAndEndpointsAreAuthorities() {
    assertThatThrownBy(
            () -> CircuitBreakerInterceptor.of(CircuitBreakerRegistry.ofDefaults(), Set.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                CircuitBreakerInterceptor.of(
                    CircuitBreakerRegistry.ofDefaults(), Set.of(Status.Code.OK)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(CircuitBreakerInterceptor.endpoint(URI.create("h2c://127.0.0.1:8080")))
        .isEqualTo("127.0.0.1:8080");
    assertThat(CircuitBreakerInterceptor.endpoint(URI.create("ws://example.com:80/rpc")))
        .isEqualTo("example.com:80");
    assertThat(CircuitBreakerInterceptor.ofDefaults().failureCodes())
        .isEqualTo(CircuitBreakerInterceptor.DEFAULT_FAILURE_CODES);
  }

  private static void assertStatus(
      RpcChannel channel, String request, Status.Code code, String description) {
    assertThatThrownBy(() -> ClientCalls.blockingUnary(channel, WORK, TIMEOUT, request))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(code);
              assertThat(e.status().description()).contains(description);
            });
  }

  /** A server on loopback that fails while {@link #failing} and counts executions. */
  private static final class Backend implements AutoCloseable {
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicInteger executions = new AtomicInteger();
    private RpcServer server;

    void start() throws Exception {
      server =
          RpcServer.builder()
              .listen("ws://127.0.0.1:0/rpc") // the same port serves h2c
              .addService(
                  ServerServiceDefinition.builder(ServiceDescriptor.of(NAME, 1, List.of(WORK)))
                      .unary(
                          WORK,
                          request -> {
                            executions.incrementAndGet();
                            if (request.equals("bad")) {
                              throw Status.INVALID_ARGUMENT
                                  .withDescription("bad request")
                                  .asException();
                            }
                            if (failing.get()) {
                              throw Status.UNAVAILABLE.withDescription("down").asException();
                            }
                            return "ok:" + request;
                          })
                      .build())
              .build()
              .start();
    }

    URI uri(String scheme) {
      URI address = server.address();
      return scheme.equals("ws")
          ? address
          : URI.create(scheme + "://127.0.0.1:" + address.getPort());
    }

    @Override
    public void close() throws Exception {
      if (server != null) {
        server.shutdownNow();
        assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
      }
    }
  }

  /** A string as field 1 of a message. */
  private enum Text implements MessageCodec<String> {
    INSTANCE;

    @Override
    public int encodedSize(String value) {
      return CodedOutputStream.computeStringSize(1, value);
    }

    @Override
    public void encode(String value, CodedOutputStream out) throws IOException {
      out.writeString(1, value);
    }

    @Override
    public String decode(CodedInputStream in, int depth) throws IOException {
      String value = "";
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (WireFormat.getTagFieldNumber(tag) == 1) {
          value = in.readStringRequireUtf8();
        } else {
          in.skipField(tag);
        }
      }
      return value;
    }
  }
}
