package dev.typedrpc.testing;

import dev.typedrpc.CallKind;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcContext;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server of a rolling restart, for the graceful-drain tests: counts how often each request id
 * ran (in a map its successors share) and says which server answered.
 */
public final class DrainService {
  public static final String NAME = "typedrpc.testing.Drain";

  /** Runs request {@code id} once, answers {@code tag:id} after a few milliseconds. */
  public static final MethodDescriptor<String, String> WORK = unary("Work");

  /** Answers {@code tag:id} only once {@link #release()} is called (or the call is cancelled). */
  public static final MethodDescriptor<String, String> HOLD = unary("Hold");

  public static final ServiceDescriptor DESCRIPTOR =
      ServiceDescriptor.of(NAME, 1, List.of(WORK, HOLD));

  private final String tag;
  private final Map<String, AtomicInteger> runs;
  private final CompletableFuture<Void> released = new CompletableFuture<>();

  /** HOLD calls that started; counted down as each starts. */
  public final CountDownLatch held;

  /** HOLD calls the server cancelled (the drain deadline passed). */
  public final AtomicInteger cancelled = new AtomicInteger();

  /**
   * @param runs executions per request id, shared by the servers of one restart
   * @param holds the number of HOLD calls {@link #held} waits for
   */
  public DrainService(String tag, Map<String, AtomicInteger> runs, int holds) {
    this.tag = tag;
    this.runs = runs;
    this.held = new CountDownLatch(holds);
  }

  public static Map<String, AtomicInteger> newRuns() {
    return new ConcurrentHashMap<>();
  }

  private static MethodDescriptor<String, String> unary(String name) {
    return MethodDescriptor.of(NAME, name, CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);
  }

  public ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(DESCRIPTOR)
        .unaryAsync(WORK, this::work)
        .unaryAsync(HOLD, this::hold)
        .build();
  }

  /** Lets every HOLD call answer. */
  public void release() {
    released.complete(null);
  }

  private CompletableFuture<String> work(String id) {
    runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    return CompletableFuture.supplyAsync(
        () -> tag + ":" + id, CompletableFuture.delayedExecutor(3, TimeUnit.MILLISECONDS));
  }

  private CompletableFuture<String> hold(String id) {
    runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
    RpcContext.current().addCancelListener(cancelled::incrementAndGet);
    held.countDown();
    return released.thenApply(v -> tag + ":" + id);
  }
}
