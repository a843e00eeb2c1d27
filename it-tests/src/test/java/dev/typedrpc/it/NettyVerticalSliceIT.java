package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The vertical slice end to end: an interface compiled by the real processor, served and called
 * over the real Netty WebSocket transport on 127.0.0.1, through the generated stub and dispatcher.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NettyVerticalSliceIT {
  static final int SERVER_MAX_MESSAGE = 1 << 20;

  private final ItServiceImpl impl = new ItServiceImpl();
  private RpcServer server;
  private RpcChannel channel;
  private ItService stub;

  @BeforeAll
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc")
            .addService(ItServiceRpc.bind(impl))
            .transportSettings(TransportSettings.DEFAULT.withMaxMessageSize(SERVER_MAX_MESSAGE))
            .build()
            .start();
    channel = RpcChannel.connect(server.address());
    stub = channel.stub(ItService.class);
  }

  @AfterAll
  void stop() throws Exception {
    channel.close();
    server.close();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void unaryBlocking() {
    Reply reply = stub.greet(new Greeting("ana", 2, List.of("a", "b")));
    assertThat(reply).isEqualTo(new Reply("hello ana x2 [a, b]", 1));
  }

  @Test
  void nullsFailTheCallWhereTheyAreMadeAndTheConnectionServesOn() {
    // the caller's null: the stub throws before sending, blocking and async alike
    assertThatThrownBy(() -> stub.greet(new Greeting(null, 1, List.of())))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("Greeting.name is null; declare it @Nullable or Optional to make it optional");
    assertThatThrownBy(() -> stub.shout(null, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessageStartingWith("ShoutRequest.");
    java.util.List<String> tags = new java.util.ArrayList<>();
    tags.add(null);
    assertThatThrownBy(() -> stub.greet(new Greeting("a", 1, tags)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("Greeting.tags element is null; a list cannot hold null");
    // the server's null: INTERNAL naming the field
    assertThatThrownBy(() -> stub.greet(new Greeting("null reply", 1, List.of())))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.INTERNAL);
              assertThat(e.status().description()).contains("Reply.text is null");
            });
    assertThat(stub.greet(new Greeting("ana", 1, List.of())).text()).startsWith("hello ana");
  }

  @Test
  void unaryAsyncWithFutureAndCompletionStage() throws Exception {
    assertThat(stub.shout("hi", 2).get(10, TimeUnit.SECONDS)).isEqualTo("HI!HI!");
    assertThat(stub.length("four").toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(4L);
  }

  @Test
  void voidWaitsForTheServerAndPropagatesErrors() {
    stub.record("first");
    assertThat(stub.recorded()).contains("first");
    assertThatThrownBy(() -> stub.record("bad"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e ->
                assertThat(e.status())
                    .isEqualTo(Status.INVALID_ARGUMENT.withDescription("bad event")));
  }

  @Test
  void oneAtATimeSubscriptionKeepsTheServerBounded() throws Exception {
    int take = 2_000;
    AtomicLong maxAhead = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    stub.count(100_000)
        .subscribe(
            new Flow.Subscriber<Tick>() {
              private Flow.Subscription s;
              private long received;

              @Override
              public void onSubscribe(Flow.Subscription s) {
                this.s = s;
                s.request(1);
              }

              @Override
              public void onNext(Tick tick) {
                if (tick.n() != received) {
                  failure.set(
                      new AssertionError("expected tick " + received + ", got " + tick.n()));
                }
                received++;
                // everything the server's producer made or was asked for, beyond what we hold, is
                // buffered
                long ahead =
                    Math.max(
                            impl.lastCount.get().emitted.get(),
                            impl.lastCount.get().requested.get())
                        - received;
                maxAhead.accumulateAndGet(ahead, Math::max);
                if (received == take) {
                  s.cancel();
                  done.countDown();
                } else {
                  s.request(1);
                }
              }

              @Override
              public void onError(Throwable t) {
                failure.set(t);
                done.countDown();
              }

              @Override
              public void onComplete() {
                failure.set(new AssertionError("completed before " + take + " items"));
                done.countDown();
              }
            });
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(failure.get()).isNull();
    assertThat(maxAhead.get())
        .as("items buffered on the server beyond the subscriber's demand")
        .isLessThanOrEqualTo(1);
    assertThat(impl.lastCount.get().cancelled.await(10, TimeUnit.SECONDS))
        .as("cancel reached the server")
        .isTrue();
    assertThat(impl.lastCount.get().emitted.get()).isLessThanOrEqualTo(take + 1);
  }

  @Test
  void clientStreamingAndBidi() throws Exception {
    List<Long> numbers = java.util.stream.LongStream.rangeClosed(1, 1000).boxed().toList();
    assertThat(stub.sum(Publishers.of(numbers)).get(10, TimeUnit.SECONDS)).isEqualTo(500_500L);

    List<Greeting> greetings =
        java.util.stream.IntStream.range(0, 100)
            .mapToObj(i -> new Greeting("g" + i, i, List.of()))
            .toList();
    List<Reply> replies =
        Publishers.collect(stub.converse(Publishers.of(greetings))).get(10, TimeUnit.SECONDS);
    assertThat(replies).hasSize(100);
    assertThat(replies.get(99)).isEqualTo(new Reply("hi g99", 100));
  }

  @Test
  void deadlineExceededAtTheClientAndObservedByTheServer() throws Exception {
    ItService impatient =
        channel.stub(ItService.class, CallOptions.DEFAULT.withTimeout(Duration.ofMillis(300)));
    CompletableFuture<Reply> f = impatient.hang("deadline");
    assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    Status seen = impl.hangCancellation("deadline").get(10, TimeUnit.SECONDS);
    assertThat(seen.code()).isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.CANCELLED);
  }

  @Test
  void clientCancelIsObservedByTheServerImplementation() throws Exception {
    CompletableFuture<Reply> f = stub.hang("cancel-me");
    assertThat(impl.hangStarted("cancel-me").await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(f.cancel(true)).isTrue();
    Status seen = impl.hangCancellation("cancel-me").get(10, TimeUnit.SECONDS);
    assertThat(seen.code()).isEqualTo(Status.Code.CANCELLED);
  }

  @Test
  void unexpectedAndChosenServerErrorsBecomeStatuses() {
    assertThatThrownBy(() -> stub.fail("not-found"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e ->
                assertThat(e.status())
                    .isEqualTo(Status.NOT_FOUND.withDescription("no such thing")));
    assertThatThrownBy(() -> stub.fail("crash"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNKNOWN);
              assertThat(e.getMessage()).doesNotContain("hunter2");
            });
  }

  @Test
  void unknownMethodIsUnimplemented() {
    MethodDescriptor<Greeting, Reply> missing =
        MethodDescriptor.of(
            ItServiceRpc.SERVICE_NAME,
            "NoSuchMethod",
            CallKind.UNARY,
            ItServiceRpc.GREET.requestCodec(),
            ItServiceRpc.GREET.responseCodec());
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnary(
                    channel, missing, CallOptions.DEFAULT, new Greeting("x", 0, List.of())))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNIMPLEMENTED);
              assertThat(e.status().description()).contains("NoSuchMethod");
            });
  }

  @Test
  void oversizedMessageIsResourceExhaustedWhileOtherCallsOnTheConnectionGoOn() throws Exception {
    CompletableFuture<Reply> inFlight = stub.hang("bystander");
    assertThatThrownBy(() -> stub.echo(new byte[SERVER_MAX_MESSAGE + 1]))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.status().description()).contains("exceeds");
            });
    assertThat(stub.greet(new Greeting("after", 1, List.of())).text()).startsWith("hello after");
    byte[] large = new byte[SERVER_MAX_MESSAGE - 64];
    large[large.length - 1] = 42;
    assertThat(stub.echo(large)).isEqualTo(large);
    assertThat(inFlight).isNotDone();
    inFlight.cancel(true);
  }
}
