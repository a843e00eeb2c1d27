package dev.typedrpc.netty;

import dev.typedrpc.CallOptions;
import dev.typedrpc.Publishers;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One soak worker: calls of the four kinds of {@link ConformanceService}, one at a time, chosen at
 * random, each with a deadline; each ending is checked and counted in a shared {@link Tally}.
 */
final class SoakCalls {
  /** How late after its deadline a call may end: a loaded machine schedules late, never never. */
  static final Duration SLACK = Duration.ofSeconds(2);

  /** Statuses a call may end with when its connection fails under it. */
  static final Set<Status.Code> EXPECTED =
      EnumSet.of(
          Status.Code.OK,
          Status.Code.UNAVAILABLE,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.CANCELLED);

  private static final Duration UNARY_DEADLINE = Duration.ofSeconds(2);
  private static final Duration STREAM_DEADLINE = Duration.ofSeconds(3);

  private final RpcChannel channel;
  private final String transport;
  private final Random random;
  private final Tally tally;

  SoakCalls(RpcChannel channel, String transport, long seed, Tally tally) {
    this.channel = channel;
    this.transport = transport;
    this.random = new Random(seed);
    this.tally = tally;
  }

  void runUntil(long endNanos) {
    while (System.nanoTime() < endNanos) {
      try {
        callOnce();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void callOnce() throws InterruptedException {
    String kind;
    Duration deadline;
    CompletableFuture<Void> checked;
    long start = System.nanoTime();
    switch (random.nextInt(4)) {
      case 0 -> {
        kind = "unary";
        deadline = UNARY_DEADLINE;
        String text = "u".repeat(random.nextInt(4096));
        checked =
            ClientCalls.futureUnary(channel, ConformanceService.ECHO, options(deadline), text)
                .thenAccept(r -> check(r.equals(text), "unary answer of " + r.length()));
      }
      case 1 -> {
        kind = "server-streaming";
        deadline = STREAM_DEADLINE;
        int n = 1 + random.nextInt(300);
        checked =
            Publishers.collectList(
                    ClientCalls.serverStreaming(
                        channel, ConformanceService.COUNT, options(deadline), Integer.toString(n)))
                .thenAccept(items -> check(items.equals(count(n)), items.size() + " of " + n));
      }
      case 2 -> {
        kind = "client-streaming";
        deadline = STREAM_DEADLINE;
        List<String> parts = parts(random.nextInt(50));
        checked =
            ClientCalls.clientStreaming(
                    channel,
                    ConformanceService.JOIN,
                    options(deadline),
                    Publishers.fromIterable(parts))
                .thenAccept(r -> check(r.equals(String.join("", parts)), "joined " + r));
      }
      default -> {
        kind = "bidi";
        deadline = STREAM_DEADLINE;
        List<String> parts = parts(1 + random.nextInt(50));
        checked =
            Publishers.collectList(
                    ClientCalls.bidiStreaming(
                        channel,
                        ConformanceService.CHAT,
                        options(deadline),
                        Publishers.fromIterable(parts)))
                .thenAccept(
                    echoes ->
                        check(
                            echoes.equals(parts.stream().map(p -> "echo:" + p).toList()),
                            echoes.size() + " echoes of " + parts.size()));
      }
    }
    AtomicLong endedAt = new AtomicLong();
    CompletableFuture<Void> timed = checked.whenComplete((r, e) -> endedAt.set(System.nanoTime()));
    String outcome;
    try {
      timed.get(deadline.plus(SLACK).toMillis() + 10_000, TimeUnit.MILLISECONDS);
      outcome = "OK";
    } catch (ExecutionException e) {
      outcome = describe(e.getCause());
    } catch (TimeoutException e) {
      tally.problem(transport + " " + kind + " never ended (deadline " + deadline + ")");
      return;
    }
    long late = endedAt.get() - start - deadline.toNanos();
    tally.record(transport, kind, outcome, late);
    if (late > SLACK.toNanos()) {
      tally.problem(
          transport
              + " "
              + kind
              + " ended "
              + TimeUnit.NANOSECONDS.toMillis(late)
              + " ms after its deadline with "
              + outcome);
    }
    String code = outcome.split(":", 2)[0];
    if (EXPECTED.stream().noneMatch(c -> c.name().equals(code))) {
      tally.problem(transport + " " + kind + " ended with " + outcome);
    }
  }

  private static CallOptions options(Duration deadline) {
    return CallOptions.DEFAULT.withTimeout(deadline);
  }

  private List<String> parts(int n) {
    List<String> parts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      parts.add("p" + i + "-" + "x".repeat(random.nextInt(200)));
    }
    return parts;
  }

  private static List<String> count(int n) {
    List<String> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      items.add("item-" + i);
    }
    return items;
  }

  private static void check(boolean right, String what) {
    if (!right) {
      throw new IllegalStateException("CORRUPT: wrong result: " + what);
    }
  }

  /** The status code, or what else ended the call, with its description. */
  private static String describe(Throwable t) {
    while (t instanceof CompletionException || t instanceof ExecutionException) {
      t = t.getCause();
    }
    if (t instanceof RpcException e) {
      Status s = e.status();
      return s.code() + ": " + s.description();
    }
    return "UNEXPECTED " + t;
  }

  /** What every worker saw, shared. Thread-safe. */
  static final class Tally {
    private final Map<String, LongAdder> byKind = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byTransportAndStatus = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final LongAdder calls = new LongAdder();
    private final AtomicLong maxOverrun = new AtomicLong(Long.MIN_VALUE);

    void record(String transport, String kind, String outcome, long lateNanos) {
      calls.increment();
      byKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
      String code = outcome.split(":", 2)[0];
      byTransportAndStatus
          .computeIfAbsent(transport + " " + code, k -> new LongAdder())
          .increment();
      maxOverrun.accumulateAndGet(lateNanos, Math::max);
    }

    void problem(String what) {
      if (problems.size() < 50) {
        problems.add(what);
      }
    }

    long calls() {
      return calls.sum();
    }

    long ok(String transport) {
      LongAdder n = byTransportAndStatus.get(transport + " OK");
      return n == null ? 0 : n.sum();
    }

    Map<String, Long> byKind() {
      return snapshot(byKind);
    }

    Map<String, Long> byTransportAndStatus() {
      return snapshot(byTransportAndStatus);
    }

    List<String> problems() {
      return problems;
    }

    /** The latest any call ended after its deadline (negative: all ended before it). */
    long maxOverrunMillis() {
      return TimeUnit.NANOSECONDS.toMillis(maxOverrun.get());
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
      Map<String, Long> out = new TreeMap<>();
      counts.forEach((k, v) -> out.put(k, v.sum()));
      return out;
    }
  }
}
