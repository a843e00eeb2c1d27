package dev.typedrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ClientCall;
import dev.typedrpc.ConnectionBackoff;
import dev.typedrpc.ConnectionState;
import dev.typedrpc.Metadata;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Calls while the channel cannot connect: fail-fast ones fail at once during the back-off without
 * dialing; wait-for-ready ones wait (bounded in number) until the channel is ready, their deadline,
 * a cancel or shutdown.
 */
@Timeout(30)
class WaitForReadyTest {
  private final String name = "wait-for-ready-" + UUID.randomUUID();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private static ChannelOptions backoff(Duration initial) {
    return ChannelOptions.DEFAULT.withConnectionBackoff(
        ConnectionBackoff.DEFAULT
            .withMaxBackoff(initial)
            .withInitialBackoff(initial)
            .withJitter(0));
  }

  private RpcChannel channel(String target, ChannelOptions options) {
    RpcChannel c = RpcChannel.connect(URI.create(target), options);
    closeables.add(c);
    return c;
  }

  private void startServer() throws Exception {
    RpcServer server =
        RpcServer.builder()
            .listen("mem:" + name)
            .addService(new ConformanceService().definition())
            .build()
            .start();
    closeables.add(server);
  }

  /** Lets the channel fail its first attempt: it is then in back-off. */
  private static void failFirstAttempt(RpcChannel c) {
    assertThatThrownBy(() -> c.connectNow().get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    assertThat(c.state()).isEqualTo(ConnectionState.TRANSIENT_FAILURE);
  }

  @Test
  void aWaitForReadyCallStartedWhileTheServerIsDownSucceedsOnceItIsUp() throws Exception {
    RpcChannel c = channel("mem:" + name, backoff(Duration.ofMillis(50)));
    CallOptions waiting =
        CallOptions.DEFAULT.withWaitForReady().withTimeout(Duration.ofSeconds(20));
    CompletableFuture<String> call =
        ClientCalls.futureUnary(c, ConformanceService.ECHO, waiting, "patient");
    awaitState(c, ConnectionState.TRANSIENT_FAILURE);
    assertThat(call).isNotDone();
    startServer();
    assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("patient");
  }

  @Test
  void duringTheBackOffAFailFastCallFailsAtOnceWithTheReasonAndDialsNothing() throws Exception {
    int before = TestTransports.MEMHOST_ATTEMPTS.get();
    RpcChannel c = channel("memhost://" + name + ":1/", backoff(Duration.ofMinutes(1)));
    failFirstAttempt(c);
    for (int i = 0; i < 200; i++) {
      assertThatThrownBy(
              () -> ClientCalls.blockingUnary(c, ConformanceService.ECHO, CallOptions.DEFAULT, "x"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.status().description())
                    .contains("no in-memory server named")
                    .contains("next attempt to connect in")
                    .contains("withWaitForReady");
              });
    }
    assertThat(TestTransports.MEMHOST_ATTEMPTS.get() - before)
        .as("connection attempts")
        .isEqualTo(1);
    assertThat(c.state()).isEqualTo(ConnectionState.TRANSIENT_FAILURE);
  }

  @Test
  void aWaitForReadyCallThatNeverGetsAConnectionEndsAtItsDeadlineSayingWhy() {
    RpcChannel c = channel("mem:" + name, backoff(Duration.ofMillis(50)));
    CallOptions waiting =
        CallOptions.DEFAULT.withWaitForReady().withTimeout(Duration.ofMillis(300));
    assertThatThrownBy(() -> ClientCalls.blockingUnary(c, ConformanceService.ECHO, waiting, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
              assertThat(e.status().description())
                  .contains("while waiting for the channel to become ready")
                  .contains("no in-memory server named");
            });
  }

  @Test
  void waitingCallsAreBoundedAndLeaveTheQueueWhenCancelled() throws Exception {
    RpcChannel c = channel("mem:" + name, backoff(Duration.ofMillis(50)).withMaxWaitingCalls(2));
    Call first = Call.start(c);
    Call second = Call.start(c);
    Call third = Call.start(c);
    Status refused = third.closed.get(10, TimeUnit.SECONDS);
    assertThat(refused.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.description())
        .contains("2 wait-for-ready calls", "ChannelOptions.maxWaitingCalls");

    first.call.cancel("changed my mind", null);
    assertThat(first.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.CANCELLED);
    Call fourth = Call.start(c); // the cancelled call's place is free again
    startServer();
    assertThat(second.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.OK);
    assertThat(fourth.closed.get(10, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.OK);
    assertThat(second.response).isCompletedWithValue("waiting");
  }

  @Test
  void shutdownEndsTheWaitingCalls() throws Exception {
    RpcChannel c = channel("mem:" + name, backoff(Duration.ofMillis(50)));
    Call waiting = Call.start(c);
    awaitState(c, ConnectionState.TRANSIENT_FAILURE);
    c.shutdown();
    Status status = waiting.closed.get(10, TimeUnit.SECONDS);
    assertThat(status.code()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.description()).contains("channel shut down");
    assertThat(c.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void resetConnectBackoffEndsTheWaitAndConnectsNow() throws Exception {
    RpcChannel c = channel("mem:" + name, backoff(Duration.ofMinutes(10)));
    failFirstAttempt(c);
    startServer();
    failFirstAttempt(c); // still in its ten-minute back-off: connectNow fails with the last reason
    c.resetConnectBackoff();
    c.connectNow().get(10, TimeUnit.SECONDS);
    assertThat(c.state()).isEqualTo(ConnectionState.READY);
    assertThat(ClientCalls.blockingUnary(c, ConformanceService.ECHO, CallOptions.DEFAULT, "now"))
        .isEqualTo("now");
  }

  @Test
  void aCallThatFailsAsItStartsLeavesNoDeadlineTimerBehind() throws Exception {
    ScheduledThreadPoolExecutor timers = (ScheduledThreadPoolExecutor) Executors2.timers();
    RpcChannel c = channel("mem:" + name, backoff(Duration.ofMinutes(10)));
    failFirstAttempt(c);
    int before = timers.getQueue().size();
    CallOptions longDeadline = CallOptions.DEFAULT.withTimeout(Duration.ofHours(1));
    for (int i = 0; i < 1000; i++) {
      assertThatThrownBy(
              () -> ClientCalls.blockingUnary(c, ConformanceService.ECHO, longDeadline, "x"))
          .isInstanceOf(RpcException.class);
    }
    // each of those calls failed inside start(), before its deadline timer was set: the timer must
    // go too
    assertThat(timers.getQueue().size() - before).as("timers left behind").isLessThan(10);
  }

  private static void awaitState(RpcChannel c, ConnectionState wanted) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (c.state() != wanted) {
      if (System.nanoTime() > end) {
        throw new AssertionError("state stayed " + c.state() + ", expected " + wanted);
      }
      Thread.sleep(5);
    }
  }

  /** A wait-for-ready echo call at the ClientCall level. */
  private record Call(
      ClientCall<String, String> call,
      CompletableFuture<Status> closed,
      CompletableFuture<String> response) {
    static Call start(RpcChannel channel) {
      ClientCall<String, String> call =
          channel.newCall(ConformanceService.ECHO, CallOptions.DEFAULT.withWaitForReady());
      CompletableFuture<Status> closed = new CompletableFuture<>();
      CompletableFuture<String> response = new CompletableFuture<>();
      call.start(
          new ClientCall.Listener<>() {
            @Override
            public void onMessage(String message) {
              response.complete(message);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
              closed.complete(status);
            }
          },
          Metadata.EMPTY);
      call.request(1);
      call.sendLastMessage("waiting");
      return new Call(call, closed, response);
    }
  }
}
