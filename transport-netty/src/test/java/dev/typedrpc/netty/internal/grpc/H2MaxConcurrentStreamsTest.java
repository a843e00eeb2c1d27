package dev.typedrpc.netty.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.DrainService;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Calls beyond the server's {@code MAX_CONCURRENT_STREAMS} wait on the HTTP/2 client for a free
 * stream, as in gRPC-Java, instead of failing; a waiting call that is cancelled or whose deadline
 * passes leaves the queue without ever being sent.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class H2MaxConcurrentStreamsTest {
  private static final int LIMIT = 2;

  private final Map<String, AtomicInteger> runs = DrainService.newRuns();
  private final DrainService service = new DrainService("S", runs, LIMIT);
  private RpcServer server;
  private RpcChannel channel;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc")
            .addService(service.definition())
            .transportSettings(TransportSettings.DEFAULT.withMaxConcurrentStreams(LIMIT))
            .build()
            .start();
    URI address = server.address();
    channel =
        RpcChannel.connect(
            URI.create("h2c://127.0.0.1:" + address.getPort()), ChannelOptions.DEFAULT);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void callsBeyondTheLimitWaitForAFreeStream() throws Exception {
    List<CompletableFuture<String>> held = new ArrayList<>();
    for (int i = 0; i < LIMIT; i++) {
      held.add(ClientCalls.futureUnary(channel, DrainService.HOLD, CallOptions.DEFAULT, "h" + i));
    }
    assertThat(service.held.await(10, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<String>> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      queued.add(ClientCalls.futureUnary(channel, DrainService.WORK, CallOptions.DEFAULT, "q" + i));
    }
    Thread.sleep(200); // they would have failed by now; they wait instead
    for (CompletableFuture<String> q : queued) {
      assertThat(q).isNotDone();
    }
    assertThat(runs).doesNotContainKeys("q0", "q1", "q2", "q3", "q4");
    service.release();
    for (int i = 0; i < LIMIT; i++) {
      assertThat(held.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("S:h" + i);
    }
    for (int i = 0; i < 5; i++) {
      assertThat(queued.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("S:q" + i);
    }
  }

  @Test
  void aWaitingCallLeavesTheQueueAtItsDeadlineOrCancelWithoutBeingSent() throws Exception {
    List<CompletableFuture<String>> held = new ArrayList<>();
    for (int i = 0; i < LIMIT; i++) {
      held.add(ClientCalls.futureUnary(channel, DrainService.HOLD, CallOptions.DEFAULT, "h" + i));
    }
    assertThat(service.held.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<String> expires =
        ClientCalls.futureUnary(
            channel,
            DrainService.WORK,
            CallOptions.DEFAULT.withTimeout(Duration.ofMillis(200)),
            "expires");
    CompletableFuture<String> cancelled =
        ClientCalls.futureUnary(channel, DrainService.WORK, CallOptions.DEFAULT, "cancelled");
    CompletableFuture<String> waits =
        ClientCalls.futureUnary(channel, DrainService.WORK, CallOptions.DEFAULT, "waits");
    ExecutionException e =
        catchThrowableOfType(ExecutionException.class, () -> expires.get(10, TimeUnit.SECONDS));
    assertThat(((RpcException) e.getCause()).status().code())
        .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    cancelled.cancel(true);
    service.release();
    assertThat(waits.get(10, TimeUnit.SECONDS)).isEqualTo("S:waits");
    for (CompletableFuture<String> h : held) {
      assertThat(h.get(10, TimeUnit.SECONDS)).startsWith("S:h");
    }
    assertThat(runs).doesNotContainKeys("expires", "cancelled");
  }
}
