package dev.typedrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.Metadata;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Calls made while a server call's context is current: a finished one leaves no cancel listener
 * behind; one in flight is cancelled with the server call.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChildCallTest {
  private final ConformanceService service = new ConformanceService();
  private final CallContext parent =
      new CallContext(ConformanceService.ECHO, Metadata.EMPTY, null, "test", null);
  private RpcServer server;
  private RpcChannel channel;

  @BeforeEach
  void start() throws Exception {
    URI address = URI.create("mem:child-calls-" + UUID.randomUUID());
    server = RpcServer.builder().listen(address).addService(service.definition()).build().start();
    channel = RpcChannel.connect(address);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void finishedChildCallsLeaveNoCancelListener() {
    parent.run(
        () -> {
          for (int i = 0; i < 50; i++) {
            ClientCalls.blockingUnary(channel, ConformanceService.ECHO, CallOptions.DEFAULT, "x");
          }
          assertThatThrownBy(
                  () ->
                      ClientCalls.blockingUnary(
                          channel, ConformanceService.FAIL, CallOptions.DEFAULT, "status"))
              .isInstanceOf(RpcException.class);
        });
    assertThat(parent.cancelListenerCount()).isZero();
  }

  @Test
  void aChildCallInFlightIsCancelledWithTheServerCall() throws Exception {
    AtomicReference<CompletableFuture<String>> child = new AtomicReference<>();
    AtomicReference<CompletableFuture<String>> detached = new AtomicReference<>();
    parent.run(
        () -> {
          child.set(
              ClientCalls.futureUnary(channel, ConformanceService.SLEEP, CallOptions.DEFAULT, "x"));
          detached.set(
              ClientCalls.futureUnary(
                  channel, ConformanceService.SLEEP, CallOptions.DEFAULT.detached(), "x"));
        });
    assertThat(parent.cancelListenerCount()).isEqualTo(1);
    parent.cancel(Status.DEADLINE_EXCEEDED.withDescription("too slow"));
    assertThatThrownBy(() -> child.get().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.CANCELLED);
              assertThat(e.status().description())
                  .isEqualTo(
                      "the incoming call typedrpc.testing.Conformance/Echo was cancelled"
                          + " (DEADLINE_EXCEEDED: too slow)");
            });
    assertThat(detached.get()).isNotDone();
    detached.get().cancel(true);
  }

  @Test
  void aCallStartedAfterTheServerCallWasCancelledFailsAtOnce() {
    parent.cancel(Status.CANCELLED);
    parent.run(
        () ->
            assertThatThrownBy(
                    () ->
                        ClientCalls.blockingUnary(
                            channel, ConformanceService.ECHO, CallOptions.DEFAULT, "x"))
                .isInstanceOfSatisfying(
                    RpcException.class,
                    e -> assertThat(e.status().code()).isEqualTo(Status.Code.CANCELLED)));
  }
}
