package dev.typedrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.Publishers;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import dev.typedrpc.testing.DrainService;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A call whose stream the server never started (the connection went away first) is sent once more
 * on a new connection, with what the caller had written; a call refused twice, or with more request
 * messages than are kept for a replay, fails with UNAVAILABLE, never having run.
 */
@Timeout(30)
class TransparentRetryTest {
  private final String name = "retry-" + UUID.randomUUID();
  private final Map<String, AtomicInteger> runs = DrainService.newRuns();
  private RpcServer server;
  private RpcChannel channel;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen("mem:" + name)
            .addService(new DrainService("S", runs, 0).definition())
            .addService(new ConformanceService().definition())
            .build()
            .start();
    channel = RpcChannel.connect(URI.create("refusing://" + name + ":1/"), ChannelOptions.DEFAULT);
  }

  @AfterEach
  void stop() {
    RefusingTransport.LEFT.set(0);
    channel.close();
    server.close();
  }

  @Test
  void aRefusedUnaryCallIsSentAgainOnANewConnectionAndRunsOnce() {
    RefusingTransport.LEFT.set(1);
    assertThat(ClientCalls.blockingUnary(channel, DrainService.WORK, CallOptions.DEFAULT, "a"))
        .isEqualTo("S:a");
    assertThat(runs.get("a")).hasValue(1);
  }

  @Test
  void aRefusedClientStreamingCallIsReplayedWithItsMessages() throws Exception {
    RefusingTransport.LEFT.set(1);
    assertThat(
            ClientCalls.clientStreaming(
                    channel,
                    ConformanceService.JOIN,
                    CallOptions.DEFAULT,
                    Publishers.just("x", "y", "z"))
                .get(10, TimeUnit.SECONDS))
        .isEqualTo("xyz");
  }

  @Test
  void aCallRefusedTwiceFailsWithUnavailableWithoutRunning() {
    RefusingTransport.LEFT.set(2);
    assertThatThrownBy(
            () -> ClientCalls.blockingUnary(channel, DrainService.WORK, CallOptions.DEFAULT, "b"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(runs.get("b")).isNull();
    assertThat(ClientCalls.blockingUnary(channel, DrainService.WORK, CallOptions.DEFAULT, "c"))
        .isEqualTo("S:c");
  }

  @Test
  void aCallWithMoreBytesThanAreKeptIsNotRetried() throws Exception {
    RefusingTransport.LEFT.set(1);
    List<String> parts = new ArrayList<>();
    String part = "p".repeat(RetryingStream.BUFFER_LIMIT / 3);
    for (int i = 0; i < 4; i++) {
      parts.add(part);
    }
    assertThatThrownBy(
            () ->
                ClientCalls.clientStreaming(
                        channel,
                        ConformanceService.JOIN,
                        CallOptions.DEFAULT,
                        Publishers.just(parts.toArray(new String[0])))
                    .get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(RpcException.class)
        .cause()
        .satisfies(
            e -> assertThat(((RpcException) e).status().code()).isEqualTo(Status.Code.UNAVAILABLE));
  }
}
