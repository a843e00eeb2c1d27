package dev.typedrpc.bench.scale;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * One run, measured from the client JVM: warm up, sample the server's memory, open every connection
 * and subscription, sample again, broadcast, sample again, close. Every wait is bounded; every
 * subscriber must get every broadcast exactly once and in order, or the run fails.
 */
final class ScaleClient {
  /**
   * Connections (with their subscriptions) opened, broadcast to and closed before the baseline, at
   * most.
   */
  static final int WARMUP_CONNECTIONS = 100;

  static final int WARMUP_BROADCASTS = 2;

  /** Connections being opened at once: a bounded burst, like clients arriving, not a SYN flood. */
  private static final int CONCURRENT_CONNECTS = 100;

  private static final long CONNECT_SECONDS = 60;
  private static final long SUBSCRIBE_SECONDS = 120;
  private static final long BROADCAST_SECONDS = 60;

  private final Scenario run;
  private final int warmupConnections;
  private final ServerControl server;
  private final int broadcasts;
  private final boolean histogram;
  private final boolean sampleClient;
  private final Map<String, Double> results = new LinkedHashMap<>();
  private String histogramTable = "";

  /**
   * @param warmupConnections connections of the warm-up (at most the run's)
   * @param sampleClient whether this JVM's own memory per connection is reported (not when the
   *     server runs in it too)
   */
  ScaleClient(
      Scenario run,
      int warmupConnections,
      ServerControl server,
      int broadcasts,
      boolean histogram,
      boolean sampleClient) {
    this.run = run;
    this.warmupConnections = Math.min(warmupConnections, run.connections());
    this.server = server;
    this.broadcasts = broadcasts;
    this.histogram = histogram;
    this.sampleClient = sampleClient;
  }

  /** Runs the whole measurement; returns the figures (see {@link ScaleTable} for the keys). */
  Map<String, Double> measure() throws Exception {
    Limits.check(run, sampleClient ? 1 : 2);
    warmUp();
    MemorySample base = server.memory();
    MemorySample clientBase = sampleClient ? MemorySample.takeAfterGc() : null;
    ClassHistogram histogramBase = histogram ? server.histogram() : null;

    Arrivals arrivals = new Arrivals();
    long start = System.nanoTime();
    List<ScaleConnection> connections = open(run.connections());
    try {
      progress("%d connections open after %.1f s", run.connections(), seconds(start));
      subscribe(connections, run.streamsPerConnection(), arrivals);
      awaitSubscriptions(run.streams(), arrivals);
      progress("%d subscriptions open after %.1f s", run.streams(), seconds(start));
      put("setup.seconds", seconds(start));
      Thread.sleep(1000); // let the last handshakes' garbage become garbage
      MemorySample idle = server.memory();
      putGrowth("server", base, idle);
      if (clientBase != null) {
        putGrowth("client", clientBase, MemorySample.takeAfterGc());
      }
      if (histogramBase != null) {
        histogramTable =
            server.histogram().growthTable(histogramBase, run.connections(), run.streams(), 20);
      }
      broadcast(arrivals);
      MemorySample afterBroadcasts = server.memory();
      put("server.heapAfterBroadcasts", (double) (afterBroadcasts.heap() - base.heap()));
    } finally {
      connections.forEach(ScaleConnection::close);
    }
    put("connections", run.connections());
    put("streams", run.streams());
    return results;
  }

  /** The class histogram table of this run, or empty if not asked for. */
  String histogramTable() {
    return histogramTable;
  }

  private void warmUp() throws Exception {
    long start = System.nanoTime();
    Arrivals arrivals = new Arrivals();
    int count = warmupConnections;
    List<ScaleConnection> connections = open(count);
    try {
      subscribe(connections, run.streamsPerConnection(), arrivals);
      awaitSubscriptions(count * run.streamsPerConnection(), arrivals);
      for (int i = 1; i <= WARMUP_BROADCASTS; i++) {
        server.broadcast(i);
        awaitArrivals(arrivals, (long) count * run.streamsPerConnection() * i);
      }
    } finally {
      connections.forEach(ScaleConnection::close);
    }
    awaitSubscriptions(0, null);
    progress("warmed up in %.1f s", seconds(start));
  }

  private List<ScaleConnection> open(int count) throws Exception {
    Semaphore permits = new Semaphore(CONCURRENT_CONNECTS);
    List<CompletableFuture<ScaleConnection>> pending = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (!permits.tryAcquire(CONNECT_SECONDS, TimeUnit.SECONDS)) {
        throw new TimeoutException(CONCURRENT_CONNECTS + " connects pending for too long");
      }
      CompletableFuture<ScaleConnection> connecting = run.system().connect(server.port());
      var unused = connecting.whenComplete((c, e) -> permits.release());
      pending.add(connecting);
    }
    List<ScaleConnection> connections = new ArrayList<>(count);
    for (CompletableFuture<ScaleConnection> connecting : pending) {
      connections.add(connecting.get(CONNECT_SECONDS, TimeUnit.SECONDS));
    }
    return connections;
  }

  private static void subscribe(List<ScaleConnection> connections, int each, Arrivals arrivals) {
    int subscriber = 0;
    for (ScaleConnection connection : connections) {
      for (int i = 0; i < each; i++) {
        connection.subscribe(subscriber++, arrivals);
      }
    }
  }

  /** Waits until the server holds exactly {@code count} subscriptions. */
  private void awaitSubscriptions(int count, Arrivals arrivals) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SUBSCRIBE_SECONDS);
    int now = server.subscriptions();
    while (now != count) {
      if (arrivals != null && arrivals.failure() != null) {
        throw new IllegalStateException("a subscription failed", arrivals.failure());
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "the server holds "
                + now
                + " subscriptions after "
                + SUBSCRIBE_SECONDS
                + " s; expected "
                + count);
      }
      Thread.sleep(100);
      now = server.subscriptions();
    }
  }

  private void broadcast(Arrivals arrivals) throws Exception {
    long streams = run.streams();
    Histogram latencies = new Histogram(3);
    List<Long> loops = new ArrayList<>();
    long refused = 0;
    for (int i = 1; i <= WARMUP_BROADCASTS + broadcasts; i++) {
      Broadcaster.Sent sent = server.broadcast(i);
      awaitArrivals(arrivals, streams * i);
      Histogram one = arrivals.takeLatencies();
      if (i > WARMUP_BROADCASTS) {
        latencies.add(one);
        loops.add(sent.loopNanos());
        refused += sent.refused();
      }
      Thread.sleep(200); // the next broadcast starts from quiet connections
    }
    if (arrivals.outOfOrder() != 0 || refused != 0) {
      throw new IllegalStateException(
          arrivals.outOfOrder()
              + " ticks out of order, "
              + refused
              + " refused for lack of credit");
    }
    put("broadcast.p50Ms", latencies.getValueAtPercentile(50) / 1e6);
    put("broadcast.p99Ms", latencies.getValueAtPercentile(99) / 1e6);
    put("broadcast.maxMs", latencies.getMaxValue() / 1e6);
    loops.sort(null);
    put("broadcast.loopMs", loops.get(loops.size() / 2) / 1e6);
  }

  /**
   * Waits until {@code total} ticks arrived in all; fails on a failed subscription or a surplus.
   */
  private static void awaitArrivals(Arrivals arrivals, long total) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BROADCAST_SECONDS);
    while (arrivals.arrived() < total) {
      if (arrivals.failure() != null) {
        throw new IllegalStateException("a subscription failed", arrivals.failure());
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            arrivals.arrived()
                + " of "
                + total
                + " ticks arrived after "
                + BROADCAST_SECONDS
                + " s");
      }
      Thread.sleep(1);
    }
    if (arrivals.arrived() != total) {
      throw new IllegalStateException(arrivals.arrived() + " ticks arrived; expected " + total);
    }
  }

  private void putGrowth(String side, MemorySample base, MemorySample loaded) {
    put(side + ".heap", (double) (loaded.heap() - base.heap()));
    put(side + ".rss", (double) (loaded.rss() - base.rss()));
    put(side + ".direct", (double) (loaded.direct() - base.direct()));
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private void progress(String format, Object... args) {
    System.err.printf("%s: " + format + "%n", prepend(run, args));
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private void put(String key, double value) {
    results.put(key, value);
  }
}
