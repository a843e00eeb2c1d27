package dev.typedrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.Metadata;
import dev.typedrpc.ResponseMetadata;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every transport must do, run against the real runtime on both ends. A transport's test
 * subclasses this and says where its server listens ({@link #listenUri()}); the server's real
 * address is what the client connects to.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
public abstract class AbstractTransportConformanceTest {
  protected final ConformanceService service = new ConformanceService();
  protected RpcServer server;
  protected RpcChannel channel;

  /** Where the server listens, e.g. {@code ws://127.0.0.1:0/rpc} or {@code mem:<unique name>}. */
  protected abstract URI listenUri();

  /**
   * Where the client connects, given the server's real address: the address itself unless the
   * transport under test reaches the server another way (SSE or gRPC over HTTP/2 on the port of a
   * WebSocket server).
   */
  protected URI clientUri(URI serverAddress) {
    return serverAddress;
  }

  /**
   * Whether the transport tells the client which service versions the server runs (see
   * ServiceVersion).
   */
  protected boolean announcesServices() {
    return true;
  }

  /**
   * How many response items a server-streaming producer may run ahead of a client that asks for one
   * at a time. 1 for transports whose flow control counts messages; a transport that only has
   * byte-level flow control (HTTP/2 windows) says how far its window lets the producer run.
   */
  protected long serverStreamingLookahead() {
    return 1;
  }

  /**
   * The client address {@code clientUri} with another path (its query kept): {@code
   * ws://host:port/rpc} → {@code ws://host:port/<path>}, {@code h2c://host:port} → {@code
   * h2c://host:port/<path>}, {@code mem:name} → {@code mem:name<path>}.
   */
  protected URI withPath(URI clientUri, String path) {
    if (clientUri.isOpaque()) {
      return URI.create(clientUri + path);
    }
    String query = clientUri.getRawQuery() == null ? "" : "?" + clientUri.getRawQuery();
    return URI.create(clientUri.getScheme() + "://" + clientUri.getRawAuthority() + path + query);
  }

  /**
   * Limits for both ends; a small message limit keeps the size tests fast. The connect timeout also
   * bounds the server's handshake (TLS, upgrade, SETTINGS), which closes the connection quietly
   * when it passes: on a loaded machine the first TLS handshake of a test class can take longer
   * than the default 10 s, and the test's call then fails with "connection closed". No test here is
   * about it.
   */
  protected TransportSettings settings() {
    return TransportSettings.DEFAULT
        .withMaxMessageSize(2 << 20)
        .withConnectTimeout(Duration.ofSeconds(30));
  }

  @BeforeEach
  void startServer() throws Exception {
    server =
        RpcServer.builder()
            .listen(listenUri())
            .addService(service.definition())
            .transportSettings(settings())
            .build()
            .start();
    channel =
        RpcChannel.connect(
            clientUri(server.address()), ChannelOptions.DEFAULT.withTransport(settings()));
  }

  @AfterEach
  void stopServer() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
      assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  private <Req, Resp> Resp call(dev.typedrpc.MethodDescriptor<Req, Resp> m, Req req) {
    return ClientCalls.blockingUnary(channel, m, CallOptions.DEFAULT, req);
  }

  @Test
  void unaryBlocking() {
    assertThat(call(ConformanceService.ECHO, "hello")).isEqualTo("hello");
    assertThat(call(ConformanceService.ECHO, "")).isEqualTo("");
  }

  @Test
  void theServerAnnouncesItsServices() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(announcesServices());
    List<dev.typedrpc.ServiceVersion> services = channel.serverServices().get(10, TimeUnit.SECONDS);
    assertThat(services).contains(new dev.typedrpc.ServiceVersion(ConformanceService.NAME, 1, ""));
  }

  @Test
  void aMethodNewerThanTheServerFailsWithoutBeingSent() {
    org.junit.jupiter.api.Assumptions.assumeTrue(announcesServices());
    // Echo exists on the server: were the call sent, it would succeed
    dev.typedrpc.MethodDescriptor<String, String> fromVersion2 =
        dev.typedrpc.MethodDescriptor.of(
            ConformanceService.NAME,
            "Echo",
            dev.typedrpc.CallKind.UNARY,
            TestCodecs.STRING,
            TestCodecs.STRING,
            2);
    assertThatThrownBy(() -> call(fromVersion2, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
              assertThat(e.status().description())
                  .contains("was added in version 2")
                  .contains("the server runs version 1");
            });
    dev.typedrpc.MethodDescriptor<String, String> otherService =
        dev.typedrpc.MethodDescriptor.of(
            "typedrpc.testing.Elsewhere",
            "Echo",
            dev.typedrpc.CallKind.UNARY,
            TestCodecs.STRING,
            TestCodecs.STRING);
    assertThatThrownBy(() -> call(otherService, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e ->
                assertThat(e.status().description())
                    .contains("does not serve typedrpc.testing.Elsewhere"));
  }

  /**
   * A target whose path is not the server's endpoint (another path, or the endpoint with a trailing
   * slash: paths match exactly) fails at connect on every transport: its calls end with {@code
   * UNAVAILABLE} naming the path, and the server goes on serving the right one.
   */
  @Test
  void aTargetPathThatIsNotTheServersEndpointFailsWithUnavailableNamingIt() throws Exception {
    String endpoint = server.address().getRawPath() == null ? "" : server.address().getRawPath();
    for (String path : List.of("/wrong-path", endpoint + "/")) {
      URI wrong = withPath(clientUri(server.address()), path);
      RpcChannel other =
          RpcChannel.connect(wrong, ChannelOptions.DEFAULT.withTransport(settings()));
      try {
        assertThatThrownBy(
                () ->
                    ClientCalls.blockingUnary(
                        other,
                        ConformanceService.ECHO,
                        CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)),
                        "x"))
            .as(wrong.toString())
            .isInstanceOfSatisfying(
                RpcException.class,
                e -> {
                  assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                  assertThat(e.status().description()).contains(path);
                });
      } finally {
        other.shutdownNow();
        assertThat(other.awaitTermination(Duration.ofSeconds(10))).isTrue();
      }
    }
    assertThat(call(ConformanceService.ECHO, "still serving")).isEqualTo("still serving");
  }

  @Test
  void emptyMessagesBothWays() {
    assertThat(call(ConformanceService.PING, null)).isNull();
  }

  @Test
  void unaryAsync() throws Exception {
    CompletableFuture<String> f =
        ClientCalls.futureUnary(channel, ConformanceService.ECHO_ASYNC, CallOptions.DEFAULT, "x");
    assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("async:x");
  }

  @Test
  void manyConcurrentCallsShareOneConnection() throws Exception {
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      calls.add(
          ClientCalls.futureUnary(channel, ConformanceService.ECHO, CallOptions.DEFAULT, "m" + i));
    }
    for (int i = 0; i < calls.size(); i++) {
      assertThat(calls.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("m" + i);
    }
  }

  /** The server knows the transport a call came on, by the scheme a client uses to reach it. */
  @Test
  void serverKnowsTheTransport() {
    assertThat(
            ClientCalls.blockingUnary(
                channel, ConformanceService.TRANSPORT, CallOptions.DEFAULT, "which"))
        .isEqualTo(clientUri(server.address()).getScheme());
  }

  @Test
  void metadataReachesTheServer() {
    CallOptions options = CallOptions.DEFAULT.withMetadata(Metadata.of("x-room", "lobby"));
    assertThat(ClientCalls.blockingUnary(channel, ConformanceService.HEADER, options, "x-room"))
        .isEqualTo("lobby");
  }

  /**
   * Metadata travels byte for byte on every transport: {@code -bin} values with every byte value
   * (and empty), text values, Unicode text as UTF-8 in a {@code -bin} value, a repeated key in
   * order; keys are lower-case everywhere (the API refuses others, as gRPC's headers are).
   */
  @Test
  void metadataRoundTripsByteForByteBothWays() throws Exception {
    byte[] every = new byte[256];
    for (int i = 0; i < every.length; i++) {
      every[i] = (byte) i;
    }
    byte[] unicode = "h\u00e9llo \u2713 \ud83d\ude00".getBytes(StandardCharsets.UTF_8);
    Metadata sent =
        Metadata.builder()
            .putBinary("x-every-bin", every)
            .putBinary("x-empty-bin", new byte[0])
            .putBinary("x-unicode-bin", unicode)
            .put("x-text", "printable ~!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|} and spaces")
            .put("x-empty", "")
            .put("x-repeat", "1")
            .put("x-repeat", "2")
            .build();
    ResponseMetadata seen = new ResponseMetadata();
    String report =
        ClientCalls.blockingUnary(
            channel,
            ConformanceService.METADATA_ECHO,
            CallOptions.DEFAULT.withMetadata(sent).withResponseMetadata(seen),
            "x-every-bin,x-empty-bin,x-unicode-bin,x-repeat,x-empty");
    HexFormat hex = HexFormat.of();
    assertThat(report)
        .isEqualTo(
            "x-every-bin="
                + hex.formatHex(every)
                + ";x-empty-bin=;x-unicode-bin="
                + hex.formatHex(unicode)
                + ";x-repeat=31|32;x-empty=");
    for (Metadata received : List.of(seen.headers(), seen.trailers())) {
      assertThat(received.getBinary("x-every-bin")).containsExactly(every);
      assertThat(received.getBinary("x-empty-bin")).isEmpty();
      assertThat(new String(received.getBinary("x-unicode-bin"), StandardCharsets.UTF_8))
          .isEqualTo("h\u00e9llo \u2713 \ud83d\ude00");
      assertThat(received.get("x-text")).isEqualTo(sent.get("x-text"));
      assertThat(received.getAll("x-repeat")).containsExactly("1", "2");
    }
    assertThatThrownBy(() -> Metadata.of("X-Room", "lobby"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Metadata.of("x-room", "caf\u00e9"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Metadata.of("x-room", " lobby")) // HTTP/2 cannot carry it
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Keys a transport writes itself ({@code content-type}, {@code grpc-status}, {@code
   * grpc-timeout}, ...) are never taken from application metadata, on any transport and either way:
   * the server does not see the client's, the client does not see the server's, and neither changes
   * the call (a {@code grpc-timeout} of one nanosecond sets no deadline).
   */
  @Test
  void reservedKeysAreNeverTakenFromApplicationMetadata() throws Exception {
    Metadata.Builder sent = Metadata.builder().put("x-ok", "yes");
    for (String key : ConformanceService.RESERVED_KEYS) {
      sent.put(key, key.equals("grpc-timeout") ? "1n" : "7");
    }
    ResponseMetadata seen = new ResponseMetadata();
    String report =
        ClientCalls.blockingUnary(
            channel,
            ConformanceService.METADATA_ECHO,
            CallOptions.DEFAULT.withMetadata(sent.build()).withResponseMetadata(seen),
            String.join(",", ConformanceService.RESERVED_KEYS) + ",x-ok");
    for (String part : report.split(";", -1)) {
      assertThat(part).as(report).doesNotEndWith("=37").doesNotEndWith("=316e");
    }
    assertThat(report).endsWith(";x-ok=796573");
    for (Metadata received : List.of(seen.headers(), seen.trailers())) {
      for (String key : ConformanceService.RESERVED_KEYS) {
        assertThat(received.getAll(key)).as(key).doesNotContain("7");
      }
    }
  }

  @Test
  void responseHeadersAndTrailersReachTheClient() throws Exception {
    for (String outcome : List.of("ok", "fail")) {
      CompletableFuture<Metadata> headers = new CompletableFuture<>();
      CompletableFuture<Metadata> trailers = new CompletableFuture<>();
      CompletableFuture<Status> status = new CompletableFuture<>();
      dev.typedrpc.ClientCall<String, String> call =
          channel.newCall(ConformanceService.RESPONSE_METADATA, CallOptions.DEFAULT);
      call.start(
          new dev.typedrpc.ClientCall.Listener<>() {
            @Override
            public void onHeaders(Metadata h) {
              headers.complete(h);
            }

            @Override
            public void onClose(Status s, Metadata t) {
              status.complete(s);
              trailers.complete(t);
            }
          },
          Metadata.EMPTY);
      call.request(1);
      call.sendLastMessage(outcome);
      assertThat(headers.get(10, TimeUnit.SECONDS).get("x-initial")).isEqualTo(outcome);
      assertThat(trailers.get(10, TimeUnit.SECONDS).getBinary("x-trailing-bin"))
          .containsExactly(0xab, 0, 1);
      assertThat(status.get().code())
          .isEqualTo(outcome.equals("ok") ? Status.Code.OK : Status.Code.ABORTED);
    }
  }

  @Test
  void statusThrownByTheServerReachesTheClient() {
    assertThatThrownBy(() -> call(ConformanceService.FAIL, "status"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.status().description()).isEqualTo("room is closed");
            });
  }

  @Test
  void unexpectedServerExceptionBecomesUnknownWithoutDetails() {
    assertThatThrownBy(() -> call(ConformanceService.FAIL, "crash"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNKNOWN);
              assertThat(e.status().description()).doesNotContain("secret");
            });
    assertThat(call(ConformanceService.ECHO, "still serving")).isEqualTo("still serving");
  }

  @Test
  void unknownMethodIsUnimplemented() {
    assertThatThrownBy(() -> call(ConformanceService.MISSING, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
              assertThat(e.status().description()).contains("Missing");
            });
  }

  /** The same status, code and description, on every transport. */
  @Test
  void unknownMethodSaysWhichMethod() {
    assertThatThrownBy(() -> call(ConformanceService.MISSING, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
              assertThat(e.status().description())
                  .isEqualTo("Method not found: typedrpc.testing.Conformance/Missing");
            });
  }

  @Test
  void unknownServiceSaysWhichServicesRun() {
    dev.typedrpc.MethodDescriptor<String, String> nowhere =
        dev.typedrpc.MethodDescriptor.of(
            "typedrpc.testing.Nowhere",
            "Echo",
            dev.typedrpc.CallKind.UNARY,
            TestCodecs.STRING,
            TestCodecs.STRING);
    assertThatThrownBy(() -> call(nowhere, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
              assertThat(e.status().description())
                  .isEqualTo(
                      "the server does not serve typedrpc.testing.Nowhere (it serves [typedrpc.testing.Conformance])");
            });
  }

  @Test
  void deadlineExceededOnBothSidesWithTheSameCodes() throws Exception {
    assertThat(call(ConformanceService.ECHO, "connected"))
        .isEqualTo("connected"); // the deadline is the call's only
    CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofMillis(500));
    assertThatThrownBy(
            () -> ClientCalls.blockingUnary(channel, ConformanceService.SLEEP, options, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(service.sleepCancelled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(service.sleepCancelStatus.get().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
  }

  @Test
  void oversizedMessagesAreDescribedTheSameWay() {
    byte[] tooBig = new byte[(2 << 20) + 1];
    assertThatThrownBy(() -> call(ConformanceService.BYTES, tooBig))
        .isInstanceOfSatisfying(
            RpcException.class,
            e ->
                assertThat(e.status().description())
                    .isEqualTo(
                        "message of 2097158 bytes for typedrpc.testing.Conformance/Bytes exceeds the peer's limit of"
                            + " 2097152 bytes"));
    byte[] ask =
        ("size:" + ((2 << 20) + 100)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> call(ConformanceService.BYTES, ask))
        .isInstanceOfSatisfying(
            RpcException.class,
            e ->
                assertThat(e.status().description())
                    .isEqualTo(
                        "message of 2097257 bytes for typedrpc.testing.Conformance/Bytes exceeds the peer's limit of"
                            + " 2097152 bytes"));
  }

  @Test
  void aDeadlineAlreadyPassedFailsTheCallWithoutSendingIt() {
    CallOptions expired =
        CallOptions.DEFAULT.withDeadline(dev.typedrpc.Deadline.after(Duration.ofMillis(-1)));
    assertThatThrownBy(
            () -> ClientCalls.blockingUnary(channel, ConformanceService.ECHO, expired, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(call(ConformanceService.ECHO, "next")).isEqualTo("next");
  }

  @Test
  void clientCancelReachesTheServerImplementation() throws Exception {
    CompletableFuture<String> f =
        ClientCalls.futureUnary(channel, ConformanceService.SLEEP, CallOptions.DEFAULT, "x");
    assertThat(service.sleepStarted.await(10, TimeUnit.SECONDS)).isTrue();
    f.cancel(true);
    assertThat(service.sleepCancelled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(service.sleepCancelStatus.get().code()).isEqualTo(Status.Code.CANCELLED);
  }

  /** A streaming call's implementation sees the client's cancel as {@code CANCELLED}. */
  @Test
  void clientCancelOfAStreamReachesTheServerImplementation() throws Exception {
    Collector collector = new Collector(1);
    ClientCalls.serverStreaming(channel, ConformanceService.HANG, CallOptions.DEFAULT, "x")
        .subscribe(collector);
    assertThat(service.sleepStarted.await(10, TimeUnit.SECONDS)).isTrue();
    collector.s.cancel();
    assertThat(service.sleepCancelled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(service.sleepCancelStatus.get().code()).isEqualTo(Status.Code.CANCELLED);
  }

  /** A streaming call's implementation sees its deadline pass as {@code DEADLINE_EXCEEDED}. */
  @Test
  void aStreamsDeadlineReachesTheServerImplementationAsDeadlineExceeded() throws Exception {
    assertThat(call(ConformanceService.ECHO, "connected")).isEqualTo("connected");
    Collector collector = new Collector(1);
    ClientCalls.serverStreaming(
            channel,
            ConformanceService.HANG,
            CallOptions.DEFAULT.withTimeout(Duration.ofMillis(500)),
            "x")
        .subscribe(collector);
    assertThatThrownBy(() -> collector.result.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(service.sleepCancelled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(service.sleepCancelStatus.get().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
  }

  @Test
  void serverStreamingHonoursOneAtATimeDemand() throws Exception {
    Flow.Publisher<String> items =
        ClientCalls.serverStreaming(
            channel, ConformanceService.COUNT, CallOptions.DEFAULT, "100000");
    OneAtATime subscriber = new OneAtATime(200);
    items.subscribe(subscriber);
    assertThat(subscriber.done.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(subscriber.error.get()).isNull();
    assertThat(subscriber.maxAhead.get())
        .as("items the server produced beyond what the client had")
        .isLessThanOrEqualTo(serverStreamingLookahead());
    CountingPublisher<String> p = service.lastCount.get();
    assertThat(p.cancelled.await(10, TimeUnit.SECONDS))
        .as("cancel reached the server's publisher")
        .isTrue();
    assertThat(p.emitted.get()).isLessThanOrEqualTo(200 + serverStreamingLookahead());
  }

  /**
   * Requests one item at a time, checking how far the server's producer ran ahead; cancels after
   * {@code n}.
   */
  private final class OneAtATime implements Flow.Subscriber<String> {
    private final int n;
    final CountDownLatch done = new CountDownLatch(1);
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final java.util.concurrent.atomic.AtomicLong maxAhead =
        new java.util.concurrent.atomic.AtomicLong();
    private Flow.Subscription s;
    private int received;

    OneAtATime(int n) {
      this.n = n;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      this.s = s;
      s.request(1);
    }

    @Override
    public void onNext(String item) {
      assertThat(item).isEqualTo("item-" + received);
      received++;
      CountingPublisher<String> p = service.lastCount.get();
      maxAhead.accumulateAndGet(p.emitted.get() - received, Math::max);
      if (received == n) {
        s.cancel();
        done.countDown();
      } else {
        s.request(1);
      }
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
      done.countDown();
    }

    @Override
    public void onComplete() {
      error.set(new AssertionError("completed early"));
      done.countDown();
    }
  }

  @Test
  void serverStreamingToCompletion() throws Exception {
    Collector collector = new Collector(Long.MAX_VALUE);
    ClientCalls.serverStreaming(channel, ConformanceService.COUNT, CallOptions.DEFAULT, "5000")
        .subscribe(collector);
    assertThat(collector.result.get(20, TimeUnit.SECONDS))
        .hasSize(5000)
        .startsWith("item-0")
        .endsWith("item-4999");
  }

  @Test
  void serverStreamingInBatches() throws Exception {
    Collector collector = new Collector(16);
    ClientCalls.serverStreaming(channel, ConformanceService.COUNT, CallOptions.DEFAULT, "1000")
        .subscribe(collector);
    assertThat(collector.result.get(20, TimeUnit.SECONDS)).hasSize(1000);
    assertThat(service.lastCount.get().emitted.get()).isEqualTo(1000);
  }

  @Test
  void clientStreaming() throws Exception {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      parts.add(Integer.toString(i % 10));
    }
    CompletableFuture<String> joined =
        ClientCalls.clientStreaming(
            channel, ConformanceService.JOIN, CallOptions.DEFAULT, Publishers.of(parts));
    assertThat(joined.get(20, TimeUnit.SECONDS)).isEqualTo(String.join("", parts));
  }

  @Test
  void bidiStreaming() throws Exception {
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      words.add("w" + i);
    }
    Collector collector = new Collector(Long.MAX_VALUE);
    ClientCalls.bidiStreaming(
            channel, ConformanceService.CHAT, CallOptions.DEFAULT, Publishers.of(words))
        .subscribe(collector);
    List<String> echoed = collector.result.get(20, TimeUnit.SECONDS);
    assertThat(echoed).hasSize(300).startsWith("echo:w0").endsWith("echo:w299");
  }

  @Test
  void bidiStreamingServerError() throws Exception {
    Collector collector = new Collector(Long.MAX_VALUE);
    ClientCalls.bidiStreaming(
            channel,
            ConformanceService.CHAT,
            CallOptions.DEFAULT,
            Publishers.of(List.of("a", "boom", "c")))
        .subscribe(collector);
    assertThatThrownBy(() -> collector.result.get(20, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status().code()).isEqualTo(Status.Code.ABORTED));
  }

  /**
   * A megabyte each way in parts: with TLS and paranoid leak detection on a loaded machine, more
   * than the usual 30 s.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void largeMessagesTravelInParts() {
    byte[] big = new byte[(1 << 20) + 12345];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    assertThat(call(ConformanceService.BYTES, big)).isEqualTo(big);
  }

  @Test
  void oversizedRequestIsResourceExhaustedAndOtherCallsGoOn() {
    CompletableFuture<String> inFlight =
        ClientCalls.futureUnary(channel, ConformanceService.SLEEP, CallOptions.DEFAULT, "x");
    byte[] tooBig = new byte[(2 << 20) + 1];
    assertThatThrownBy(() -> call(ConformanceService.BYTES, tooBig))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(call(ConformanceService.ECHO, "after")).isEqualTo("after");
    assertThat(inFlight).isNotDone();
    inFlight.cancel(true);
  }

  @Test
  void oversizedResponseIsResourceExhaustedAndOtherCallsGoOn() {
    byte[] ask =
        ("size:" + ((2 << 20) + 100)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> call(ConformanceService.BYTES, ask))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(call(ConformanceService.ECHO, "after")).isEqualTo("after");
  }

  @Test
  void gracefulServerShutdownLetsCallsInProgressFinish() throws Exception {
    Collector collector = new Collector(1);
    ClientCalls.serverStreaming(channel, ConformanceService.COUNT, CallOptions.DEFAULT, "50")
        .subscribe(collector);
    assertThat(collector.first.await(10, TimeUnit.SECONDS)).isTrue();
    server.shutdown();
    collector.requestMore(Long.MAX_VALUE);
    assertThat(collector.result.get(20, TimeUnit.SECONDS)).hasSize(50);
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThatThrownBy(() -> call(ConformanceService.ECHO, "late"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  /** Collects every item, requesting {@code batch} at a time. */
  protected static final class Collector implements Flow.Subscriber<String> {
    private final long batch;
    private final List<String> items = new CopyOnWriteArrayList<>();
    final CompletableFuture<List<String>> result = new CompletableFuture<>();
    final CountDownLatch first = new CountDownLatch(1);
    volatile Flow.Subscription s;
    private long outstanding;

    Collector(long batch) {
      this.batch = batch;
    }

    void requestMore(long n) {
      s.request(n);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      this.s = s;
      outstanding = batch;
      s.request(batch);
    }

    @Override
    public void onNext(String item) {
      items.add(item);
      first.countDown();
      if (batch != Long.MAX_VALUE && batch > 1 && --outstanding == 0) {
        outstanding = batch;
        s.request(batch);
      }
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(List.copyOf(items));
    }
  }

  // ------------------------------------------------------------ client resilience: wait-for-ready,
  // start/cancel

  /**
   * Where to start the server again so that a client's target stays valid: the same address and
   * port.
   */
  private URI sameAddressAgain(URI address) throws Exception {
    if (address.getPort() < 0) {
      return address; // not a socket (mem:name)
    }
    URI l = listenUri();
    return new URI(
        l.getScheme(),
        l.getUserInfo(),
        l.getHost(),
        address.getPort(),
        l.getPath(),
        l.getQuery(),
        null);
  }

  @Test
  void aWaitForReadyCallOutlastsTheServerBeingDown() throws Exception {
    URI address = server.address();
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    ChannelOptions quickBackoff =
        ChannelOptions.DEFAULT
            .withTransport(settings())
            .withConnectionBackoff(
                dev.typedrpc.ConnectionBackoff.DEFAULT
                    .withInitialBackoff(Duration.ofMillis(50))
                    .withMaxBackoff(Duration.ofMillis(200)));
    RpcChannel c = RpcChannel.connect(clientUri(address), quickBackoff);
    try {
      CallOptions waiting =
          CallOptions.DEFAULT.withWaitForReady().withTimeout(Duration.ofSeconds(20));
      CompletableFuture<String> call =
          ClientCalls.futureUnary(c, ConformanceService.ECHO, waiting, "waited");
      assertThatThrownBy(
              () -> ClientCalls.blockingUnary(c, ConformanceService.ECHO, CallOptions.DEFAULT, "x"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
      assertThat(call).isNotDone();
      server =
          RpcServer.builder()
              .listen(sameAddressAgain(address))
              .addService(service.definition())
              .transportSettings(settings())
              .build()
              .start();
      assertThat(call.get(15, TimeUnit.SECONDS)).isEqualTo("waited");
      assertThat(c.state()).isEqualTo(dev.typedrpc.ConnectionState.READY);
    } finally {
      c.shutdownNow();
      assertThat(c.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  /** Two thousand races: far more than the usual 30 s on a loaded machine. */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aCancelRacingStartIsNeverLost() throws Exception {
    StartCancelRace race = new StartCancelRace();
    RpcServer raceServer =
        RpcServer.builder()
            .listen(listenUri())
            .addService(race.definition())
            .transportSettings(settings())
            .build()
            .start();
    RpcChannel c =
        RpcChannel.connect(
            clientUri(raceServer.address()), ChannelOptions.DEFAULT.withTransport(settings()));
    try {
      c.connectNow().get(10, TimeUnit.SECONDS);
      race.run(c, 2000);
    } finally {
      c.shutdownNow();
      raceServer.shutdownNow();
      assertThat(c.awaitTermination(Duration.ofSeconds(10))).isTrue();
      assertThat(raceServer.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  void aClientThatCancelsMuchKeepsItsConnection() throws Exception {
    StartCancelRace race = new StartCancelRace();
    RpcServer raceServer =
        RpcServer.builder()
            .listen(listenUri())
            .addService(race.definition())
            .addService(service.definition())
            .transportSettings(settings())
            .build()
            .start();
    RpcChannel c =
        RpcChannel.connect(
            clientUri(raceServer.address()), ChannelOptions.DEFAULT.withTransport(settings()));
    try {
      c.connectNow().get(10, TimeUnit.SECONDS);
      race.cancelAfterStart(c, 600);
      StartCancelRace.cancelRightAfterSending(c, 600);
      assertThat(
              ClientCalls.blockingUnary(c, ConformanceService.ECHO, CallOptions.DEFAULT, "after"))
          .isEqualTo("after");
    } finally {
      c.shutdownNow();
      raceServer.shutdownNow();
      assertThat(c.awaitTermination(Duration.ofSeconds(10))).isTrue();
      assertThat(raceServer.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  // ---------------------------------------------------------------- streams: misbehaving
  // publishers, per-call
  // options, response metadata of every call kind

  private RpcException misbehaving(String how) throws Exception {
    CompletableFuture<List<String>> items =
        dev.typedrpc.Publishers.collectList(
            ClientCalls.serverStreaming(
                channel, ConformanceService.MISBEHAVE, CallOptions.DEFAULT, how));
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> items.get(20, TimeUnit.SECONDS));
    assertThat(e.getCause()).isInstanceOf(RpcException.class);
    return (RpcException) e.getCause();
  }

  @Test
  void aResponsePublisherThatIgnoresDemandFailsTheCallWithInternal() throws Exception {
    RpcException e = misbehaving("no-demand");
    assertThat(e.status().code()).isEqualTo(Status.Code.INTERNAL);
    assertThat(e.status().description())
        .isEqualTo(
            "the response publisher of typedrpc.testing.Conformance/Misbehave sent an item it was not asked for"
                + " (Reactive Streams rule 1.1)");
    assertThat(call(ConformanceService.ECHO, "still serving")).isEqualTo("still serving");
  }

  @Test
  void aResponsePublisherThatEmitsNullFailsTheCallWithInternal() throws Exception {
    RpcException e = misbehaving("null");
    assertThat(e.status().code()).isEqualTo(Status.Code.INTERNAL);
    assertThat(e.status().description()).endsWith("emitted null (Reactive Streams rule 2.13)");
  }

  @Test
  void aResponsePublisherThatThrowsFromRequestOrSubscribeIsUnknown() throws Exception {
    for (String how : List.of("throw-in-request", "subscribe-throws")) {
      RpcException e = misbehaving(how);
      assertThat(e.status().code()).as(how).isEqualTo(Status.Code.UNKNOWN);
      assertThat(e.status().description()).as(how).doesNotContain("failed");
    }
    assertThat(call(ConformanceService.ECHO, "still serving")).isEqualTo("still serving");
  }

  @Test
  void signalsAfterTheFirstCompletionAreIgnored() throws Exception {
    for (String how : List.of("complete-twice", "next-after-complete")) {
      List<String> items =
          dev.typedrpc.Publishers.collectList(
                  ClientCalls.serverStreaming(
                      channel, ConformanceService.MISBEHAVE, CallOptions.DEFAULT, how))
              .get(20, TimeUnit.SECONDS);
      assertThat(items).as(how).containsExactly("a");
    }
  }

  @Test
  void aPublisherThatEmitsFromRequestReentrantlyIsServedWithoutRecursion() throws Exception {
    Collector all =
        new Collector(
            Long.MAX_VALUE); // unbounded credit: the publisher may emit everything at once
    ClientCalls.serverStreaming(
            channel, ConformanceService.MISBEHAVE, CallOptions.DEFAULT, "reentrant")
        .subscribe(all);
    assertThat(all.result.get(20, TimeUnit.SECONDS)).hasSize(MisbehavingPublishers.REENTRANT_ITEMS);
  }

  @Test
  void aRequestPublisherThatIgnoresDemandCancelsTheCall() throws Exception {
    CompletableFuture<String> joined =
        ClientCalls.clientStreaming(
            channel,
            ConformanceService.JOIN,
            CallOptions.DEFAULT,
            MisbehavingPublishers.named("no-demand"));
    assertThatThrownBy(() -> joined.get(20, TimeUnit.SECONDS))
        .cause()
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.CANCELLED);
              assertThat(e.status().description())
                  .contains(
                      "the request publisher sent an item it was not asked for (Reactive Streams rule 1.1)");
            });
  }

  @Test
  void blockingConsumptionRequestsAheadBoundedlyAndClosingCancelsTheCall() throws Exception {
    java.util.Iterator<String> it;
    try (java.util.stream.Stream<String> items =
        ClientCalls.blockingServerStreaming(
            channel, ConformanceService.COUNT, CallOptions.DEFAULT, "1000000")) {
      it = items.iterator();
      for (int i = 0; i < 100; i++) {
        assertThat(it.next()).isEqualTo("item-" + i);
      }
      CountingPublisher<String> p = service.lastCount.get();
      assertThat(p.emitted.get())
          .as("items produced ahead of a consumer that took 100")
          .isLessThanOrEqualTo(
              100 + dev.typedrpc.Publishers.DEFAULT_PREFETCH + serverStreamingLookahead());
    }
    assertThat(service.lastCount.get().cancelled.await(10, TimeUnit.SECONDS))
        .as("closing the stream cancelled the server's publisher")
        .isTrue();
  }

  @Test
  void compressionAndMetadataPerCallReachTheServer() {
    CallOptions options =
        CallOptions.DEFAULT.withCompression("gzip").withMetadata(Metadata.of("x-room", "lobby"));
    assertThat(
            ClientCalls.blockingUnary(channel, ConformanceService.HEADER, options, "grpc-encoding"))
        .isEqualTo("gzip");
    assertThat(ClientCalls.blockingUnary(channel, ConformanceService.HEADER, options, "x-room"))
        .isEqualTo("lobby");
    byte[] big = new byte[100_000];
    java.util.Arrays.fill(big, (byte) 'z');
    assertThat(ClientCalls.blockingUnary(channel, ConformanceService.BYTES, options, big))
        .isEqualTo(big);
  }

  @Test
  void responseMetadataIsCapturedForEveryCallKind() throws Exception {
    dev.typedrpc.ResponseMetadata unary = new dev.typedrpc.ResponseMetadata();
    assertThat(
            ClientCalls.blockingUnary(
                channel,
                ConformanceService.RESPONSE_METADATA,
                CallOptions.DEFAULT.withResponseMetadata(unary),
                "ok"))
        .isEqualTo("with metadata");
    assertCaptured(unary, "x-initial", "ok", Status.Code.OK);
    assertThat(unary.trailers().getBinary("x-trailing-bin")).containsExactly(0xab, 0, 1);

    dev.typedrpc.ResponseMetadata failed = new dev.typedrpc.ResponseMetadata();
    CompletableFuture<String> future =
        ClientCalls.futureUnary(
            channel,
            ConformanceService.RESPONSE_METADATA,
            CallOptions.DEFAULT.withResponseMetadata(failed),
            "fail");
    assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    assertCaptured(failed, "x-initial", "fail", Status.Code.ABORTED);
    assertThat(failed.trailers().getBinary("x-trailing-bin")).containsExactly(0xab, 0, 1);

    dev.typedrpc.ResponseMetadata server = new dev.typedrpc.ResponseMetadata();
    assertThat(
            dev.typedrpc.Publishers.collectList(
                    ClientCalls.serverStreaming(
                        channel,
                        ConformanceService.METADATA_STREAM,
                        CallOptions.DEFAULT.withResponseMetadata(server),
                        "s"))
                .get(10, TimeUnit.SECONDS))
        .containsExactly("s", "s");
    assertCaptured(server, "x-kind", "server-streaming", Status.Code.OK);

    dev.typedrpc.ResponseMetadata client = new dev.typedrpc.ResponseMetadata();
    assertThat(
            ClientCalls.clientStreaming(
                    channel,
                    ConformanceService.METADATA_JOIN,
                    CallOptions.DEFAULT.withResponseMetadata(client),
                    dev.typedrpc.Publishers.just("a", "b"))
                .get(10, TimeUnit.SECONDS))
        .isEqualTo("ab");
    assertCaptured(client, "x-kind", "client-streaming", Status.Code.OK);

    dev.typedrpc.ResponseMetadata bidi = new dev.typedrpc.ResponseMetadata();
    assertThat(
            dev.typedrpc.Publishers.collectList(
                    ClientCalls.bidiStreaming(
                        channel,
                        ConformanceService.METADATA_CHAT,
                        CallOptions.DEFAULT.withResponseMetadata(bidi),
                        dev.typedrpc.Publishers.just("x")))
                .get(10, TimeUnit.SECONDS))
        .containsExactly("echo:x");
    assertCaptured(bidi, "x-kind", "bidi-streaming", Status.Code.OK);
  }

  // ---------------------------------------------------------------- graceful drain

  private DrainScenarios drain() {
    return new DrainScenarios(listenUri(), this::clientUri, settings());
  }

  /** Two servers and a TLS handshake between them: more than the usual 30 s on a loaded machine. */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void drainLetsCallsInProgressFinishAndNewCallsGoToTheNextServer() throws Exception {
    drain().inFlightCallsFinishAndNewCallsGoToTheNextServer();
  }

  @Test
  void theDrainDeadlineEndsCallsStillOpenWithUnavailable() throws Exception {
    drain().theDrainDeadlineEndsCallsStillOpen();
  }

  /** A few hundred calls from four threads while the server is replaced twice on its address. */
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aRollingRestartUnderLoadLosesNoCallAndRunsNoneTwice() throws Exception {
    int[] okFailed = drain().rollingRestartUnderLoad(4, 75, 2);
    System.out.printf(
        "%s rolling restart: %d calls succeeded, %d failed unrun%n",
        getClass().getSimpleName(), okFailed[0], okFailed[1]);
    assertThat(okFailed[0] + okFailed[1]).isEqualTo(300);
  }

  private InterceptorScenarios interceptors() throws Exception {
    return new InterceptorScenarios(listenUri(), this::clientUri, settings());
  }

  /**
   * The same server and client interceptors see the same of every call kind on every transport: the
   * method, the header the client interceptor added, the messages each way, the final status.
   */
  @Test
  void interceptorsOnBothSidesSeeTheSameOfEveryCallKind() throws Exception {
    try (InterceptorScenarios scenarios = interceptors()) {
      scenarios.everyCallKindIsSeenTheSameOnBothSides();
    }
  }

  /** A server interceptor's rejection reaches the client with its status and trailers. */
  @Test
  void aServerInterceptorsRejectionReachesTheClientWithItsTrailers() throws Exception {
    try (InterceptorScenarios scenarios = interceptors()) {
      scenarios.aRejectionReachesTheClientAndTheOuterInterceptor();
    }
  }

  // ------------------------------------------------------------------ compression

  private CompressionScenarios compression() throws Exception {
    return new CompressionScenarios(listenUri(), this::clientUri, settings());
  }

  /**
   * Several megabytes each way on every transport: more than the usual 30 s on a loaded machine.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void compressedAndUncompressedCallsOfEveryKindRoundTrip() throws Exception {
    try (CompressionScenarios c = compression()) {
      c.allFourKindsRoundTripCompressedAndNot();
    }
  }

  @Test
  void theImplementationChoosesTheResponseCompression() throws Exception {
    try (CompressionScenarios c = compression()) {
      c.theImplementationChoosesTheResponseCompression();
    }
  }

  private RetryScenarios retries() throws Exception {
    return new RetryScenarios(listenUri(), this::clientUri, settings());
  }

  /**
   * Calls with a retry policy succeed after failures, with the attempts header, on every transport.
   */
  @Test
  void callsWithARetryPolicySucceedAfterFailures() throws Exception {
    try (RetryScenarios scenarios = retries()) {
      scenarios.callsWithAPolicySucceedAfterFailures();
      scenarios.attemptsStopAtThePolicysMaximum();
    }
  }

  /**
   * Without a policy a call the server ran is never sent again; with one, nothing is retried after
   * a response message.
   */
  @Test
  void callsAreNotRetriedWithoutAPolicyOrAfterAResponse() throws Exception {
    try (RetryScenarios scenarios = retries()) {
      scenarios.aCallWithoutAPolicyRunsOnce();
      scenarios.noRetryAfterAResponseMessage();
    }
  }

  /** The server's grpc-retry-pushback-ms is honoured on every transport. */
  @Test
  void retriesHonourTheServersPushback() throws Exception {
    try (RetryScenarios scenarios = retries()) {
      scenarios.pushbackIsHonoured();
    }
  }

  private HedgingScenarios hedging() throws Exception {
    return new HedgingScenarios(listenUri(), this::clientUri, settings());
  }

  /**
   * A hedge overtakes a slow first attempt, which the server sees cancelled; a fatal status stops
   * hedging; on every transport.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS) // its waits for the server to see cancels are 30 s
  void hedgedCallsTakeTheFirstAnswerAndStopAtAFatalStatus() throws Exception {
    try (HedgingScenarios scenarios = hedging()) {
      scenarios.aSlowFirstAttemptIsOvertakenByTheHedge();
      scenarios.aFatalStatusStopsHedging();
    }
  }

  /**
   * Hedged attempts stop at maxAttempts and the deadline; a non-fatal failure sends the next one at
   * once, a negative pushback none; on every transport.
   */
  @Test
  void hedgedAttemptsAreBoundedAndFollowFailuresAndPushback() throws Exception {
    try (HedgingScenarios scenarios = hedging()) {
      scenarios.attemptsStopAtMaxAttemptsAndTheDeadlineCoversThemAll();
      scenarios.aNonFatalFailureSendsTheNextAttemptAndPushbackCanStopIt();
    }
  }

  private static void assertCaptured(
      dev.typedrpc.ResponseMetadata r, String key, String value, Status.Code code) {
    assertThat(r.status().code()).isEqualTo(code);
    assertThat(r.headers().get(key)).isEqualTo(value);
    if (key.equals("x-kind")) {
      assertThat(r.trailers().get("x-trailing-kind")).isEqualTo(value);
    }
  }

  // ------------------------------------------------- authentication and rate limits
  // (AuthScenarios)

  private AuthScenarios auth() {
    return new AuthScenarios(listenUri(), this::clientUri, settings());
  }

  @Test
  void authenticationRequiredIsUnauthenticatedOrPermissionDeniedAsInGrpc() throws Exception {
    try (AuthScenarios auth = auth()) {
      auth.requiredAuthentication();
    }
  }

  @Test
  void anonymousCallsWhereAuthenticationIsOptional() throws Exception {
    try (AuthScenarios auth = auth()) {
      auth.optionalAuthentication();
    }
  }

  @Test
  void rateLimitsAreResourceExhaustedWithRetryPushback() throws Exception {
    try (AuthScenarios auth = auth()) {
      auth.rateLimits();
    }
  }

  // ------------------------------------------------- policy declared on the interface
  // (PolicyScenarios)

  private PolicyScenarios policies() {
    return new PolicyScenarios(listenUri(), this::clientUri, settings());
  }

  @Test
  void declaredAccessPoliciesAreEnforcedBeforeTheImplementation() throws Exception {
    try (PolicyScenarios policies = policies()) {
      policies.accessPoliciesAreEnforcedBeforeTheImplementation();
    }
  }

  @Test
  void denyAllAndPermitAllNeedNoAuthentication() throws Exception {
    try (PolicyScenarios policies = policies()) {
      policies.denyAllNeedsNoAuthenticator();
    }
  }

  @Test
  void idempotentMethodsAreRetriedByDefaultAndOthersSentOnce() throws Exception {
    try (PolicyScenarios policies = policies()) {
      policies.idempotentMethodsAreRetriedByDefault();
    }
  }
}
