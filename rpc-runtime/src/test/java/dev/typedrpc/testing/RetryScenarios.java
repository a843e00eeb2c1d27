package dev.typedrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Publishers;
import dev.typedrpc.RetryPolicy;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * Retries on one transport, against a server that fails the first executions of each call on
 * purpose and counts every execution: calls with a {@link RetryPolicy} succeed, calls without one
 * never run twice, nothing is retried after a response message, pushback and the attempts header
 * are honoured. Used by {@link AbstractTransportConformanceTest}.
 */
final class RetryScenarios implements AutoCloseable {
  static final String NAME = "typedrpc.testing.Retry";

  /**
   * Request {@code key:failures[:pushback]}: the first {@code failures} executions of {@code key}
   * fail with {@code UNAVAILABLE} (with the pushback trailer if given); then it answers the {@code
   * grpc-previous-rpc-attempts} it received.
   */
  static final MethodDescriptor<String, String> FLAKY =
      MethodDescriptor.of(NAME, "Flaky", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);

  /** Server streaming: sends one message, then fails with {@code UNAVAILABLE}. */
  static final MethodDescriptor<String, String> ONE_THEN_FAIL =
      MethodDescriptor.of(
          NAME, "OneThenFail", CallKind.SERVER_STREAMING, TestCodecs.STRING, TestCodecs.STRING);

  /**
   * Client streaming: joins the requests; the first {@code failures} executions of the key (the
   * first request, {@code key:failures}) fail with {@code UNAVAILABLE} after reading them all.
   */
  static final MethodDescriptor<String, String> FLAKY_JOIN =
      MethodDescriptor.of(
          NAME, "FlakyJoin", CallKind.CLIENT_STREAMING, TestCodecs.STRING, TestCodecs.STRING);

  static final RetryPolicy POLICY =
      RetryPolicy.of(
          5, Duration.ofMillis(10), Duration.ofMillis(50), 2, Set.of(Status.Code.UNAVAILABLE));

  private static final CallOptions RETRIED =
      CallOptions.DEFAULT.withRetryPolicy(POLICY).withTimeout(Duration.ofSeconds(30));

  /** Executions per key, and the attempts header each saw. */
  private final Map<String, List<String>> executions = new ConcurrentHashMap<>();

  private final RpcServer server;
  private final RpcChannel channel;

  RetryScenarios(URI listen, UnaryOperator<URI> clientUri, TransportSettings settings)
      throws Exception {
    server =
        RpcServer.builder()
            .listen(listen)
            .addService(definition())
            .transportSettings(settings)
            .build()
            .start();
    channel =
        RpcChannel.connect(
            clientUri.apply(server.address()), ChannelOptions.DEFAULT.withTransport(settings));
  }

  private ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(
            ServiceDescriptor.of(NAME, 1, List.of(FLAKY, ONE_THEN_FAIL, FLAKY_JOIN)))
        .unary(FLAKY, this::flaky)
        .serverStreaming(
            ONE_THEN_FAIL,
            key -> {
              executed(key);
              return oneThenFail();
            })
        .clientStreaming(
            FLAKY_JOIN,
            in -> {
              String attemptsBefore = attemptsBefore();
              return Publishers.collectList(in)
                  .thenApply(
                      parts -> {
                        String[] f = parts.get(0).split(":");
                        if (executed(f[0], attemptsBefore) <= Integer.parseInt(f[1])) {
                          throw Status.UNAVAILABLE.withDescription("flaky join").asException();
                        }
                        return String.join("+", parts);
                      });
            })
        .build();
  }

  /** Sends "first" when asked, then fails with UNAVAILABLE. */
  private static Flow.Publisher<String> oneThenFail() {
    return subscriber ->
        subscriber.onSubscribe(
            new Flow.Subscription() {
              private final AtomicBoolean done = new AtomicBoolean();

              @Override
              public void request(long n) {
                if (n > 0 && done.compareAndSet(false, true)) {
                  subscriber.onNext("first");
                  subscriber.onError(Status.UNAVAILABLE.withDescription("after one").asException());
                }
              }

              @Override
              public void cancel() {
                done.set(true);
              }
            });
  }

  /** Records an execution of {@code key}; returns how many there were, this one included. */
  private int executed(String key) {
    return executed(key, attemptsBefore());
  }

  private int executed(String key, String attemptsBefore) {
    List<String> seen = executions.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
    seen.add(attemptsBefore);
    return seen.size();
  }

  /** The grpc-previous-rpc-attempts of the current server call, or "null". */
  private static String attemptsBefore() {
    return String.valueOf(RpcContext.current().headers().get("grpc-previous-rpc-attempts"));
  }

  private String flaky(String request) {
    String[] f = request.split(":");
    int n = executed(f[0]);
    if (n <= Integer.parseInt(f[1])) {
      Metadata trailers =
          f.length > 2 ? Metadata.of("grpc-retry-pushback-ms", f[2]) : Metadata.EMPTY;
      throw Status.UNAVAILABLE.withDescription("flaky " + n).asException(trailers);
    }
    return "attempts-before:" + RpcContext.current().headers().get("grpc-previous-rpc-attempts");
  }

  private List<String> executionsOf(String key) {
    return executions.getOrDefault(key, List.of());
  }

  /**
   * Calls that fail twice (and a client-streaming one that fails once) succeed with a policy; each
   * attempt after the first carries the number of attempts before it.
   */
  void callsWithAPolicySucceedAfterFailures() throws Exception {
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(ClientCalls.futureUnary(channel, FLAKY, RETRIED, "k" + i + ":2"));
    }
    for (int i = 0; i < 20; i++) {
      assertThat(calls.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("attempts-before:2");
      assertThat(executionsOf("k" + i)).containsExactly("null", "1", "2");
    }
    assertThat(
            ClientCalls.clientStreaming(
                    channel, FLAKY_JOIN, RETRIED, Publishers.just("j:1", "b", "c"))
                .get(30, TimeUnit.SECONDS))
        .isEqualTo("j:1+b+c");
    assertThat(executionsOf("j")).containsExactly("null", "1");
  }

  /** A call that fails more often than its policy allows ends with the last failure. */
  void attemptsStopAtThePolicysMaximum() {
    CallOptions three =
        RETRIED.withRetryPolicy(
            RetryPolicy.of(
                3,
                Duration.ofMillis(5),
                Duration.ofMillis(20),
                2,
                Set.of(Status.Code.UNAVAILABLE)));
    assertUnavailable(() -> ClientCalls.blockingUnary(channel, FLAKY, three, "max:10"));
    assertThat(executionsOf("max")).containsExactly("null", "1", "2");
  }

  /** Without a policy, a call the server ran and failed is never sent again. */
  void aCallWithoutAPolicyRunsOnce() {
    assertUnavailable(
        () ->
            ClientCalls.blockingUnary(
                channel, FLAKY, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30)), "once:1"));
    assertThat(executionsOf("once")).containsExactly("null");
  }

  /** A call that received a response message is committed: its later failure is not retried. */
  void noRetryAfterAResponseMessage() {
    List<String> got = new CopyOnWriteArrayList<>();
    assertThatThrownBy(
            () ->
                ClientCalls.blockingServerStreaming(channel, ONE_THEN_FAIL, RETRIED, "stream")
                    .forEach(got::add))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(got).containsExactly("first");
    assertThat(executionsOf("stream")).hasSize(1);
  }

  /**
   * The server's pushback: a value is waited for and the call retried; a negative or malformed one
   * stops the retries.
   */
  void pushbackIsHonoured() {
    assertThat(ClientCalls.blockingUnary(channel, FLAKY, RETRIED, "push:2:20"))
        .isEqualTo("attempts-before:2");
    assertUnavailable(() -> ClientCalls.blockingUnary(channel, FLAKY, RETRIED, "stop:3:-1"));
    assertThat(executionsOf("stop")).hasSize(1);
    assertUnavailable(() -> ClientCalls.blockingUnary(channel, FLAKY, RETRIED, "bad:3:soon"));
    assertThat(executionsOf("bad")).hasSize(1);
  }

  private static void assertUnavailable(Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Override
  public void close() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }
}
