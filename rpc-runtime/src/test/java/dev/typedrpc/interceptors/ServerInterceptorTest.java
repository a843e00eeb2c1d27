package dev.typedrpc.interceptors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallObserver;
import dev.typedrpc.CallOptions;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Publishers;
import dev.typedrpc.ResponseMetadata;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Server interceptors over the in-memory transport: order, rejection, observers, run-wrapping. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerInterceptorTest {
  private final ConformanceService service = new ConformanceService();
  private final List<String> events = new CopyOnWriteArrayList<>();
  // the ends of the first three run-wrappings: a call's close is recorded inside them
  private final CountDownLatch unwound = new CountDownLatch(3);
  private RpcServer server;
  private RpcChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
      assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  private void start(ServerServiceDefinition definition, ServerInterceptor... serverWide)
      throws Exception {
    URI address = URI.create("mem:interceptors-" + UUID.randomUUID());
    server =
        RpcServer.builder().listen(address).addService(definition).intercept(serverWide).build();
    server.start();
    channel = RpcChannel.connect(address);
  }

  private <Req, Resp> Resp call(MethodDescriptor<Req, Resp> method, Req request) {
    return ClientCalls.blockingUnary(channel, method, CallOptions.DEFAULT, request);
  }

  /**
   * Records every event of the calls it sees, named {@code name}; closes count down {@code done}.
   */
  private ServerInterceptor recording(String name, CountDownLatch done) {
    return call -> {
      events.add(name + " intercept " + call.method().methodName());
      assertThat(RpcContext.current()).isSameAs(call);
      return new CallObserver() {
        @Override
        public void onRequest(Object message) {
          events.add(name + " request " + message);
        }

        @Override
        public void onResponse(Object message) {
          events.add(name + " response " + message);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
          events.add(name + " close " + status.code());
          done.countDown();
        }

        @Override
        public void run(Runnable code) {
          events.add(name + " run{");
          code.run();
          events.add(name + " }");
          unwound.countDown();
        }
      };
    };
  }

  @Test
  void serverThenServiceThenMethodInterceptorsRunInOrderAndUnwindInReverse() throws Exception {
    CountDownLatch done = new CountDownLatch(3);
    start(
        service
            .definition()
            .intercept(recording("service", done))
            .intercept(ConformanceService.ECHO, recording("method", done)),
        recording("server", done));
    assertThat(call(ConformanceService.ECHO, "hi")).isEqualTo("hi");
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(unwound.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(events)
        .containsExactly(
            "server intercept Echo",
            "service intercept Echo",
            "method intercept Echo",
            "server request hi",
            "service request hi",
            "method request hi",
            "server run{",
            "service run{",
            "method run{",
            "method response hi",
            "service response hi",
            "server response hi",
            "method close OK",
            "service close OK",
            "server close OK",
            "method }",
            "service }",
            "server }");
  }

  @Test
  void aMethodInterceptorSeesOnlyItsMethod() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    start(service.definition().intercept(ConformanceService.ECHO_ASYNC, recording("m", done)));
    assertThat(call(ConformanceService.ECHO, "a")).isEqualTo("a");
    assertThat(call(ConformanceService.ECHO_ASYNC, "b")).isEqualTo("async:b");
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(events).contains("m intercept EchoAsync").noneMatch(e -> e.contains("Echo "));
    assertThat(events).filteredOn(e -> e.contains("intercept")).hasSize(1);
  }

  @Test
  void aRejectionEndsTheCallWithItsStatusAndTrailersBeforeTheImplementationRuns() throws Exception {
    CountDownLatch done = new CountDownLatch(2);
    ServerInterceptor reject =
        call -> {
          throw Status.UNAUTHENTICATED
              .withDescription("no token")
              .asException(Metadata.of("x-why", "missing"));
        };
    ServerInterceptor never =
        call -> {
          events.add("later interceptor ran");
          return CallObserver.NONE;
        };
    start(service.definition(), recording("outer", done), reject, never);
    ResponseMetadata unary = new ResponseMetadata();
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnary(
                    channel,
                    ConformanceService.SLEEP,
                    CallOptions.DEFAULT.withResponseMetadata(unary),
                    "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThat(unary.trailers().get("x-why")).isEqualTo("missing");
    ResponseMetadata streaming = new ResponseMetadata();
    assertThatThrownBy(
            () ->
                ClientCalls.clientStreaming(
                        channel,
                        ConformanceService.METADATA_JOIN,
                        CallOptions.DEFAULT.withResponseMetadata(streaming),
                        Publishers.just("a", "b"))
                    .join())
        .hasCauseInstanceOf(RpcException.class);
    assertThat(streaming.status().code()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(streaming.trailers().get("x-why")).isEqualTo("missing");
    assertThat(streaming.headers().get("x-kind")).as("the implementation ran").isNull();
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(service.sleepStarted.getCount()).as("the implementation ran").isEqualTo(1);
    assertThat(events)
        .doesNotContain("later interceptor ran")
        .noneMatch(e -> e.contains("request") || e.contains("run{"))
        .contains("outer close UNAUTHENTICATED");
  }

  @Test
  void anObserverThatRefusesARequestEndsTheCallWithItsStatus() throws Exception {
    ServerInterceptor noBadWords =
        call ->
            new CallObserver() {
              @Override
              public void onRequest(Object message) {
                if (message.equals("bad")) {
                  throw Status.INVALID_ARGUMENT.withDescription("bad word").asException();
                }
              }
            };
    start(service.definition(), noBadWords);
    assertThat(
            Publishers.toStream(
                    ClientCalls.bidiStreaming(
                        channel,
                        ConformanceService.CHAT,
                        CallOptions.DEFAULT,
                        Publishers.just("good")))
                .toList())
        .containsExactly("echo:good");
    assertThatThrownBy(
            () ->
                Publishers.toStream(
                        ClientCalls.bidiStreaming(
                            channel,
                            ConformanceService.CHAT,
                            CallOptions.DEFAULT,
                            Publishers.just("good", "bad")))
                    .toList())
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.status().description()).isEqualTo("bad word");
            });
  }

  @Test
  void aClientCancelReachesTheObserversOnce() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    start(service.definition(), recording("o", done));
    var future =
        ClientCalls.futureUnary(channel, ConformanceService.SLEEP, CallOptions.DEFAULT, "x");
    assertThat(service.sleepStarted.await(10, TimeUnit.SECONDS)).isTrue();
    future.cancel(true);
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(service.sleepCancelled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(events).filteredOn(e -> e.contains("close")).containsExactly("o close CANCELLED");
  }
}
