package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Publishers;
import dev.typedrpc.ResumePosition;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.replay.InMemoryReplayLog;
import dev.typedrpc.replay.ReplayLog;
import dev.typedrpc.stub.ClientCalls;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code @Resumable} stream over real transports: cut connections, a restarted server, a
 * negotiated channel that has to move from WebSocket to SSE; the subscriber sees every event once,
 * in order, without code of its own. A position older than the log's window ends it with {@code
 * DATA_LOSS}; a cancel ends it without another call.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResumableStreamTest {
  private static final String NAME = "typedrpc.testing.Feed";
  private static final int EVENTS = 2_000;

  /** Events are {@code "<position>:<payload>"}: the position is read back from the text. */
  private static final MethodDescriptor<String, String> FOLLOW =
      MethodDescriptor.of(
              NAME,
              "Follow",
              CallKind.SERVER_STREAMING,
              EchoService.StringCodec.INSTANCE,
              EchoService.StringCodec.INSTANCE)
          .withResumePosition(e -> Long.parseLong(e.substring(0, e.indexOf(':'))));

  private static final CallOptions FROM_START =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(100)).withResumeAfter(0);

  private static final String PAD = "x".repeat(100);

  private final ReplayLog<String, String> log =
      InMemoryReplayLog.<String, String>builder().window(EVENTS).build();
  private final ReplayLog<String, String> small =
      InMemoryReplayLog.<String, String>builder().window(100).build();

  /** The positions each call of the server started after ("-" for none). */
  private final List<String> calls = new CopyOnWriteArrayList<>();

  private final CountDownLatch callEnded = new CountDownLatch(1);
  private RpcServer server;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = server(0);
  }

  private RpcServer server(int port) throws Exception {
    return RpcServer.builder()
        .listen("ws://127.0.0.1:" + port + "/rpc") // the same port serves h2c and SSE
        .addService(
            ServerServiceDefinition.builder(ServiceDescriptor.of(NAME, 1, List.of(FOLLOW)))
                .serverStreaming(
                    FOLLOW,
                    key -> {
                      var after = ResumePosition.current();
                      calls.add(after.isPresent() ? Long.toString(after.getAsLong()) : "-");
                      RpcContext.current().addCancelListener(callEnded::countDown);
                      return (key.startsWith("small") ? small : log).subscribe(key, after);
                    })
                .build())
        .build()
        .start();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closeAfter.add(0, c);
    return c;
  }

  private RpcChannel channel(String scheme, int port) {
    return closeLater(
        RpcChannel.connect(
            URI.create(
                scheme
                    + "://127.0.0.1:"
                    + port
                    + (scheme.equals("h2c") ? "" : server.address().getRawPath())),
            ChannelOptions.DEFAULT
                .withAttemptTimeout(Duration.ofSeconds(3))
                .withConnectionBackoff(
                    dev.typedrpc.ConnectionBackoff.DEFAULT
                        .withInitialBackoff(Duration.ofMillis(50))
                        .withMaxBackoff(Duration.ofMillis(500)))));
  }

  private void append(String key, int count) {
    for (int i = 0; i < count; i++) {
      log.append(key, p -> p + ":" + PAD);
    }
  }

  private static List<String> expected(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int p = from; p <= to; p++) {
      out.add(p + ":" + PAD);
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void everyEventOnceInOrderThroughCutConnections(String scheme) throws Exception {
    CuttingProxy proxy =
        closeLater(new CuttingProxy(server.address().getPort(), 7, 16_384, 32_768));
    RpcChannel channel = channel(scheme, proxy.port());
    append("feed", EVENTS / 2);
    Collector collector =
        new Collector(EVENTS, Map.of(EVENTS / 4, () -> append("feed", EVENTS / 2)));
    ClientCalls.serverStreaming(channel, FOLLOW, FROM_START, "feed").subscribe(collector);

    assertThat(collector.await()).containsExactlyElementsOf(expected(1, EVENTS));
    assertThat(proxy.cuts()).as("connections cut").isGreaterThanOrEqualTo(3);
    assertThat(calls.size()).as("calls").isGreaterThanOrEqualTo(3);
    assertThat(calls.get(0)).isEqualTo("0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void resumesOnARestartedServer(String scheme) throws Exception {
    int port = server.address().getPort();
    RpcChannel channel = channel(scheme, port);
    append("feed", EVENTS / 2);
    CompletableFuture<Void> restarted = new CompletableFuture<>();
    Collector collector =
        new Collector(
            EVENTS,
            Map.of(
                EVENTS / 4,
                () -> {
                  try {
                    server.shutdownNow();
                    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
                    server = server(port); // the same log: what a shared log would hold
                    append("feed", EVENTS / 2);
                    restarted.complete(null);
                  } catch (Throwable e) {
                    restarted.completeExceptionally(e);
                  }
                }));
    ClientCalls.serverStreaming(channel, FOLLOW, FROM_START, "feed").subscribe(collector);

    assertThat(collector.await()).containsExactlyElementsOf(expected(1, EVENTS));
    restarted.get(10, TimeUnit.SECONDS);
    assertThat(calls.size()).as("calls").isGreaterThanOrEqualTo(2);
  }

  @Test
  void aNegotiatedChannelResumesOnSseWhenWebSocketIsRefused() throws Exception {
    SwitchingProxy proxy = closeLater(new SwitchingProxy(server.address().getPort()));
    RpcChannel channel = channel("typedrpc", proxy.port());
    append("feed", EVENTS / 2);
    Collector collector =
        new Collector(
            EVENTS,
            Map.of(
                EVENTS / 4,
                () -> {
                  proxy.refuseUpgrades();
                  proxy.cutAll();
                  append("feed", EVENTS / 2);
                }));
    ClientCalls.serverStreaming(channel, FOLLOW, FROM_START, "feed").subscribe(collector);

    assertThat(collector.await()).containsExactlyElementsOf(expected(1, EVENTS));
    assertThat(channel.transportScheme()).isEqualTo("sse");
    assertThat(calls.size()).as("calls").isGreaterThanOrEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void aPositionOlderThanTheWindowFailsWithDataLossNamingTheRange(String scheme) throws Exception {
    RpcChannel channel = channel(scheme, server.address().getPort());
    for (int i = 0; i < 300; i++) {
      small.append("small", p -> p + ":" + PAD);
    }
    CallOptions after10 =
        CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(60)).withResumeAfter(10);
    CompletableFuture<List<String>> all =
        Publishers.collectList(ClientCalls.serverStreaming(channel, FOLLOW, after10, "small"));

    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> all.get(60, TimeUnit.SECONDS));
    assertThat(e.getCause()).isInstanceOf(RpcException.class);
    Status status = ((RpcException) e.getCause()).status();
    assertThat(status.code()).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(status.description())
        .contains("events after position 10 up to 200 of small are no longer kept")
        .contains("the window holds 201 to 300");
    assertThat(calls).as("not resumed: DATA_LOSS is final").containsExactly("10");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void aCancelEndsTheStreamWithoutAnotherCall(String scheme) throws Exception {
    RpcChannel channel = channel(scheme, server.address().getPort());
    append("feed", 10);
    List<String> got = new CopyOnWriteArrayList<>();
    CountDownLatch tenth = new CountDownLatch(1);
    ClientCalls.serverStreaming(channel, FOLLOW, FROM_START, "feed")
        .subscribe(
            new Flow.Subscriber<String>() {
              private Flow.Subscription s;

              @Override
              public void onSubscribe(Flow.Subscription s) {
                this.s = s;
                s.request(Long.MAX_VALUE);
              }

              @Override
              public void onNext(String item) {
                got.add(item);
                if (got.size() == 10) {
                  s.cancel();
                  tenth.countDown();
                }
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onComplete() {}
            });
    assertThat(tenth.await(60, TimeUnit.SECONDS)).isTrue();
    assertThat(callEnded.await(60, TimeUnit.SECONDS)).as("the server's call ended").isTrue();
    append("feed", 10);
    assertThat(got).containsExactlyElementsOf(expected(1, 10));
    assertThat(calls).containsExactly("0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "h2c"})
  void aBlockingStreamResumesToo(String scheme) throws Exception {
    CuttingProxy proxy =
        closeLater(new CuttingProxy(server.address().getPort(), 3, 16_384, 32_768));
    RpcChannel channel = channel(scheme, proxy.port());
    append("feed", EVENTS);
    try (Stream<String> events =
        ClientCalls.blockingServerStreaming(channel, FOLLOW, FROM_START, "feed")) {
      assertThat(events.limit(EVENTS).toList()).containsExactlyElementsOf(expected(1, EVENTS));
    }
    assertThat(proxy.cuts()).as("connections cut").isGreaterThanOrEqualTo(3);
  }

  /**
   * Collects {@code expected} events, asking for 32 at a time, and runs an action (on another
   * thread) when a given count is reached.
   */
  private static final class Collector implements Flow.Subscriber<String> {
    private final int expected;
    private final Map<Integer, Runnable> actions;
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<List<String>> done = new CompletableFuture<>();
    private final AtomicInteger count = new AtomicInteger();
    private Flow.Subscription subscription;

    Collector(int expected, Map<Integer, Runnable> actions) {
      this.expected = expected;
      this.actions = new ConcurrentHashMap<>(actions);
    }

    List<String> await() throws Exception {
      try {
        return done.get(100, TimeUnit.SECONDS);
      } finally {
        subscription.cancel();
      }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(32);
    }

    @Override
    public void onNext(String item) {
      events.add(item);
      int n = count.incrementAndGet();
      Runnable action = actions.remove(n);
      if (action != null) {
        CompletableFuture.runAsync(action);
      }
      if (n == expected) {
        done.complete(List.copyOf(events));
      } else if (n % 32 == 0) {
        subscription.request(32);
      }
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      done.completeExceptionally(new AssertionError("completed after " + count + " events"));
    }
  }
}
