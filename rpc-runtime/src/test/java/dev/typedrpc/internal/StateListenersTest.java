package dev.typedrpc.internal;

import static dev.typedrpc.ConnectionState.CONNECTING;
import static dev.typedrpc.ConnectionState.IDLE;
import static dev.typedrpc.ConnectionState.READY;
import static dev.typedrpc.ConnectionState.SHUTDOWN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ConnectionState;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * State listeners run on the channel's executor, outside its lock, in order, once per change; one
 * that blocks or calls back into the channel cannot stall or deadlock it.
 */
@Timeout(30)
class StateListenersTest {
  private final String name = "state-listeners-" + UUID.randomUUID();
  private RpcServer server;
  private RpcChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = newServer();
  }

  @AfterEach
  void stop() {
    if (channel != null) {
      channel.close();
    }
    server.close();
  }

  private RpcServer newServer() throws Exception {
    return RpcServer.builder()
        .listen("mem:" + name)
        .addService(new ConformanceService().definition())
        .build()
        .start();
  }

  private String echo(String s) {
    return ClientCalls.blockingUnary(channel, ConformanceService.ECHO, CallOptions.DEFAULT, s);
  }

  /** READY, the server goes away (IDLE), a call reconnects, then shutdown. */
  private void driveThroughEveryState() throws Exception {
    channel.connectNow().get(10, TimeUnit.SECONDS);
    assertThat(echo("one")).isEqualTo("one");
    server.shutdownNow();
    server.awaitTermination(Duration.ofSeconds(10));
    awaitState(IDLE);
    server = newServer();
    assertThat(echo("two")).isEqualTo("two");
    channel.shutdown();
  }

  private static final List<ConnectionState> EVERY_STATE =
      List.of(CONNECTING, READY, IDLE, CONNECTING, READY, SHUTDOWN);

  @Test
  void listenersHearEveryChangeOnceInOrderOutsideTheLockAndOffTheTransportThread()
      throws Exception {
    channel = RpcChannel.connect(URI.create("mem:" + name));
    List<ConnectionState> seen = new CopyOnWriteArrayList<>();
    List<String> violations = new CopyOnWriteArrayList<>();
    channel.onStateChange(
        s -> {
          if (Thread.holdsLock(channel)) {
            violations.add(s + " delivered holding the channel's lock");
          }
          if (!Thread.currentThread().getName().startsWith("typedrpc-callback-")) {
            violations.add(s + " delivered on " + Thread.currentThread().getName());
          }
          seen.add(s);
        });
    driveThroughEveryState();
    awaitSize(seen, EVERY_STATE.size());
    assertThat(seen).containsExactlyElementsOf(EVERY_STATE);
    assertThat(violations).isEmpty();
  }

  @Test
  void aBlockedListenerStallsNeitherTheChannelNorItsCalls() throws Exception {
    channel = RpcChannel.connect(URI.create("mem:" + name));
    CountDownLatch release = new CountDownLatch(1);
    List<ConnectionState> seen = new CopyOnWriteArrayList<>();
    channel.onStateChange(
        s -> {
          seen.add(s);
          try {
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    driveThroughEveryState(); // all of it while the listener blocks in its first call
    // listeners run on the channel's executor: the first call may start only now
    awaitSize(seen, 1);
    assertThat(seen).containsExactly(CONNECTING);
    release.countDown();
    awaitSize(seen, EVERY_STATE.size());
    assertThat(seen).containsExactlyElementsOf(EVERY_STATE);
  }

  @Test
  void aListenerThatCallsBackIntoTheChannelCannotDeadlockIt() throws Exception {
    // a direct executor: listeners still run off the transport's thread (on the shared pool)
    channel =
        RpcChannel.connect(
            URI.create("mem:" + name), ChannelOptions.DEFAULT.withExecutor(Runnable::run));
    CompletableFuture<String> fromListener = new CompletableFuture<>();
    channel.onStateChange(
        s -> {
          if (s == READY && !fromListener.isDone()) {
            try {
              channel.connectNow().get(10, TimeUnit.SECONDS);
              channel.resetConnectBackoff();
              fromListener.complete(echo("from a listener, " + channel.state()));
            } catch (Exception | Error e) {
              fromListener.completeExceptionally(e);
            }
          }
        });
    channel.connectNow().get(10, TimeUnit.SECONDS);
    assertThat(fromListener.get(10, TimeUnit.SECONDS)).isEqualTo("from a listener, READY");
    assertThat(echo("after")).isEqualTo("after");
  }

  private void awaitState(ConnectionState wanted) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (channel.state() != wanted) {
      if (System.nanoTime() > end) {
        throw new AssertionError("state stayed " + channel.state() + ", expected " + wanted);
      }
      Thread.sleep(5);
    }
  }

  private static void awaitSize(List<?> list, int size) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (list.size() < size && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    Thread.sleep(50); // and nothing more arrives
  }
}
