package dev.typedrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.HedgingPolicy;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Hedged unary calls on one transport, against a server that holds, fails or answers each execution
 * of a call as its request says, and counts executions and the cancellations it sees: the answer of
 * a hedge that overtakes a slow first attempt is the call's and the slow one is cancelled, a fatal
 * status ends the call, no more than {@code maxAttempts} attempts go out, the deadline covers them
 * all, a non-fatal failure sends the next attempt at once, and a negative pushback stops them. Used
 * by {@link AbstractTransportConformanceTest}.
 */
final class HedgingScenarios implements AutoCloseable {
  static final String NAME = "typedrpc.testing.Hedge";

  /**
   * Request {@code key:mode[:pushback]}. Modes: {@code slow-first}: the first attempt never
   * answers, the others answer at once; {@code hold}: no attempt answers; {@code fatal-second}: the
   * first attempt waits for the second, then fails with {@code INVALID_ARGUMENT}, and the second
   * never answers; {@code unavailable-first}: the first attempt fails with {@code UNAVAILABLE}
   * (with the pushback trailer if given), the others answer. An answer is the {@code
   * grpc-previous-rpc-attempts} the execution received.
   */
  static final MethodDescriptor<String, String> HEDGED =
      MethodDescriptor.of(NAME, "Hedged", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);

  /** Executions per key, and the attempts header each saw. */
  private final Map<String, List<String>> executions = new ConcurrentHashMap<>();

  /** Per key, a permit for each execution the server saw cancelled. */
  private final Map<String, Semaphore> cancellations = new ConcurrentHashMap<>();

  /** Per key, the first execution's answer, while it is held. */
  private final Map<String, CompletableFuture<String>> held = new ConcurrentHashMap<>();

  private final RpcServer server;
  private final RpcChannel channel;

  HedgingScenarios(URI listen, UnaryOperator<URI> clientUri, TransportSettings settings)
      throws Exception {
    server =
        RpcServer.builder()
            .listen(listen)
            .addService(
                ServerServiceDefinition.builder(ServiceDescriptor.of(NAME, 1, List.of(HEDGED)))
                    .unaryAsync(HEDGED, this::hedged)
                    .build())
            .transportSettings(settings)
            .build()
            .start();
    channel =
        RpcChannel.connect(
            clientUri.apply(server.address()), ChannelOptions.DEFAULT.withTransport(settings));
  }

  private CompletableFuture<String> hedged(String request) {
    String[] f = request.split(":");
    String key = f[0];
    RpcContext context = RpcContext.current();
    String before = String.valueOf(context.headers().get("grpc-previous-rpc-attempts"));
    Semaphore cancelled = cancellations.computeIfAbsent(key, k -> new Semaphore(0));
    context.addCancelListener(cancelled::release);
    List<String> seen = executions.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
    seen.add(before);
    boolean first = before.equals("null");
    String answer = "attempts-before:" + before;
    switch (f[1]) {
      case "slow-first":
        return first ? new CompletableFuture<>() : CompletableFuture.completedFuture(answer);
      case "hold":
        return new CompletableFuture<>();
      case "fatal-second":
        if (first) {
          return held.computeIfAbsent(key, k -> new CompletableFuture<>());
        }
        held.computeIfAbsent(key, k -> new CompletableFuture<>())
            .completeExceptionally(Status.INVALID_ARGUMENT.withDescription("fatal").asException());
        return new CompletableFuture<>();
      case "unavailable-first":
        if (first) {
          Metadata trailers =
              f.length > 2 ? Metadata.of("grpc-retry-pushback-ms", f[2]) : Metadata.EMPTY;
          return CompletableFuture.failedFuture(
              Status.UNAVAILABLE.withDescription("first fails").asException(trailers));
        }
        return CompletableFuture.completedFuture(answer);
      default:
        return CompletableFuture.failedFuture(
            Status.INVALID_ARGUMENT.withDescription("unknown mode " + f[1]).asException());
    }
  }

  private static CallOptions hedged(int maxAttempts, Duration delay, Duration timeout) {
    return CallOptions.DEFAULT
        .withHedgingPolicy(new HedgingPolicy(maxAttempts, delay, Set.of(Status.Code.UNAVAILABLE)))
        .withTimeout(timeout);
  }

  private List<String> executionsOf(String key) {
    return executions.getOrDefault(key, List.of());
  }

  /** Waits (generously) until the server saw {@code n} executions of {@code key} cancelled. */
  private void awaitCancelled(String key, int n) throws InterruptedException {
    Semaphore s = cancellations.computeIfAbsent(key, k -> new Semaphore(0));
    assertThat(s.tryAcquire(n, 30, TimeUnit.SECONDS))
        .as("%s executions of %s cancelled on the server", n, key)
        .isTrue();
  }

  /**
   * A first attempt that never answers is overtaken by the hedge: the call's answer is the hedge's,
   * and the server sees the first attempt cancelled.
   */
  void aSlowFirstAttemptIsOvertakenByTheHedge() throws Exception {
    CallOptions options = hedged(2, Duration.ofMillis(50), Duration.ofSeconds(30));
    for (int i = 0; i < 5; i++) {
      String key = "slow" + i;
      assertThat(ClientCalls.blockingUnary(channel, HEDGED, options, key + ":slow-first"))
          .isEqualTo("attempts-before:1");
      awaitCancelled(key, 1);
      assertThat(executionsOf(key)).containsExactlyInAnyOrder("null", "1");
    }
  }

  /**
   * Attempts that never answer: exactly {@code maxAttempts} go out, the deadline ends the call, and
   * the server sees every attempt cancelled.
   */
  void attemptsStopAtMaxAttemptsAndTheDeadlineCoversThemAll() throws Exception {
    CallOptions options = hedged(3, Duration.ofMillis(10), Duration.ofSeconds(3));
    assertThatThrownBy(() -> ClientCalls.blockingUnary(channel, HEDGED, options, "hold:hold"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    awaitCancelled("hold", 3);
    assertThat(executionsOf("hold")).containsExactlyInAnyOrder("null", "1", "2");
  }

  /**
   * A fatal status ends the call with that status: every other attempt in flight is cancelled, and
   * none goes out after it (one that did would never be cancelled: the call has ended).
   */
  void aFatalStatusStopsHedging() throws Exception {
    // The third attempt goes out 1 s after the second. The fatal status usually arrives long
    // before, but on a loaded machine it may take longer: the third attempt is then in flight when
    // it arrives, and must be cancelled like the second.
    CallOptions options = hedged(3, Duration.ofSeconds(1), Duration.ofSeconds(30));
    assertThatThrownBy(
            () -> ClientCalls.blockingUnary(channel, HEDGED, options, "fatal:fatal-second"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    awaitCancelled("fatal", 1); // the second attempt
    List<String> seen = List.copyOf(executionsOf("fatal"));
    if (seen.size() > 2) {
      awaitCancelled("fatal", 1); // the third, sent before the fatal status arrived
      assertThat(seen).containsExactlyInAnyOrder("null", "1", "2");
    } else {
      assertThat(seen).containsExactlyInAnyOrder("null", "1");
    }
  }

  /**
   * A non-fatal failure sends the next attempt at once (the hedging delay is longer than the call's
   * deadline); a negative pushback stops further attempts.
   */
  void aNonFatalFailureSendsTheNextAttemptAndPushbackCanStopIt() {
    CallOptions options = hedged(3, Duration.ofSeconds(60), Duration.ofSeconds(20));
    assertThat(ClientCalls.blockingUnary(channel, HEDGED, options, "next:unavailable-first"))
        .isEqualTo("attempts-before:1");
    assertThat(executionsOf("next")).containsExactly("null", "1");
    assertThatThrownBy(
            () -> ClientCalls.blockingUnary(channel, HEDGED, options, "stop:unavailable-first:-1"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(executionsOf("stop")).containsExactly("null");
  }

  @Override
  public void close() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }
}
