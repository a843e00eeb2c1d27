package dev.typedrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ClientCall;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcContext;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts calls and cancels them at the same moment from two threads, many times: every call must
 * close exactly once with {@code CANCELLED}, and every call that reached the server must be seen
 * cancelled there (its implementation never completes by itself, so a lost cancel leaves it
 * running).
 */
public final class StartCancelRace {
  public static final String NAME = "typedrpc.testing.Hold";

  /** Never answers; ends only when cancelled. */
  public static final MethodDescriptor<String, String> HOLD =
      MethodDescriptor.of(NAME, "Hold", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);

  private final AtomicInteger serverStarted = new AtomicInteger();
  private final AtomicInteger serverCancelled = new AtomicInteger();
  private final Semaphore startedPermits = new Semaphore(0);

  /** The service to add to the server under test. */
  public ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(ServiceDescriptor.of(NAME, 1, List.of(HOLD)))
        .unaryAsync(HOLD, s -> hold())
        .build();
  }

  private CompletableFuture<String> hold() {
    serverStarted.incrementAndGet();
    RpcContext.current().addCancelListener(serverCancelled::incrementAndGet);
    startedPermits.release();
    return new CompletableFuture<>();
  }

  /**
   * Races start and cancel {@code iterations} times on {@code channel}; asserts as the class says.
   */
  public void run(RpcChannel channel, int iterations) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      for (int i = 0; i < iterations; i++) {
        raceOnce(channel, threads, i);
      }
    } finally {
      threads.shutdownNow();
    }
    assertEveryStartedServerCallCancelled();
  }

  /**
   * Starts {@code calls} calls one after another and cancels each once the server runs it: a client
   * that cancels much (hedging, type-ahead search) keeps its connection, every call ends {@code
   * CANCELLED} and every server call sees its cancellation.
   */
  public void cancelAfterStart(RpcChannel channel, int calls) throws Exception {
    for (int i = 0; i < calls; i++) {
      startedPermits.drainPermits();
      CompletableFuture<Status> closed = new CompletableFuture<>();
      ClientCall<String, String> call = startHold(channel, "cancel " + i, closed);
      // blocking, not spinning: on two cores a spinning client slows the server it waits for
      assertThat(startedPermits.tryAcquire(10, TimeUnit.SECONDS))
          .as("server started call %d", i)
          .isTrue();
      call.cancel("cancel " + i, null);
      Status status = closed.get(10, TimeUnit.SECONDS);
      assertThat(status.code())
          .as("status of call %d: %s", i, status)
          .isEqualTo(Status.Code.CANCELLED);
    }
    assertEveryStartedServerCallCancelled();
  }

  /**
   * Starts, sends and cancels {@code calls} calls one after another from one thread, as fast as it
   * goes: the request and the cancel leave together, and every call must still end {@code
   * CANCELLED} on a connection that keeps serving (a transport that put the request behind its own
   * reset would have the server answer each with an error it counts against the client).
   */
  public static void cancelRightAfterSending(RpcChannel channel, int calls) throws Exception {
    for (int i = 0; i < calls; i++) {
      CompletableFuture<Status> closed = new CompletableFuture<>();
      ClientCall<String, String> call = startHold(channel, "cancel " + i, closed);
      call.cancel("cancel " + i, null);
      Status status = closed.get(10, TimeUnit.SECONDS);
      assertThat(status.code())
          .as("status of call %d: %s", i, status)
          .isEqualTo(Status.Code.CANCELLED);
    }
  }

  /**
   * Waits (generously) until the server has seen every call it started cancelled. A request the
   * client cancelled may still be on its way and start a server call while this waits, so the two
   * counts are read together: cancelled first, since each call counts as started before it can
   * count as cancelled.
   */
  private void assertEveryStartedServerCallCancelled() throws InterruptedException {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int cancelled;
    int started;
    while (true) {
      cancelled = serverCancelled.get();
      started = serverStarted.get();
      if (cancelled >= started || System.nanoTime() > until) {
        break;
      }
      Thread.sleep(10);
    }
    assertThat(cancelled)
        .as("server calls that saw their cancellation, of those started")
        .isEqualTo(started);
  }

  /** Starts a {@link #HOLD} call with its one request; {@code closed} completes with its status. */
  private static ClientCall<String, String> startHold(
      RpcChannel channel, String request, CompletableFuture<Status> closed) {
    ClientCall<String, String> call = channel.newCall(HOLD, CallOptions.DEFAULT);
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        Metadata.EMPTY);
    call.request(1);
    call.sendLastMessage(request);
    return call;
  }

  private static void raceOnce(RpcChannel channel, ExecutorService threads, int i)
      throws Exception {
    ClientCall<String, String> call = channel.newCall(HOLD, CallOptions.DEFAULT);
    AtomicInteger closes = new AtomicInteger();
    CompletableFuture<Status> closed = new CompletableFuture<>();
    ClientCall.Listener<String> listener =
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closes.incrementAndGet();
            closed.complete(status);
          }
        };
    CyclicBarrier together = new CyclicBarrier(2);
    Future<?> starting =
        threads.submit(
            () -> {
              together.await(30, TimeUnit.SECONDS);
              call.start(listener, Metadata.EMPTY);
              call.request(1);
              call.sendLastMessage("race " + i);
              return null;
            });
    Future<?> cancelling =
        threads.submit(
            () -> {
              together.await(30, TimeUnit.SECONDS);
              call.cancel("race " + i, null);
              return null;
            });
    starting.get(30, TimeUnit.SECONDS);
    cancelling.get(30, TimeUnit.SECONDS);
    Status status = closed.get(30, TimeUnit.SECONDS);
    assertThat(status.code())
        .as("status of call %d: %s", i, status)
        .isEqualTo(Status.Code.CANCELLED);
    assertThat(closes.get()).as("closes of call %d", i).isEqualTo(1);
  }
}
