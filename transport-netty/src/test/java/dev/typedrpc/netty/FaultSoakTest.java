package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ConnectionBackoff;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fault-injected soak (docs/SOAK.md): clients on WebSocket, SSE and h2c, and on WebSocket and
 * HTTP/2 over TLS (wss, h2), run all four call kinds, each with a deadline, through a {@link
 * FaultProxy} that delays, throttles, drops, resets, truncates, black-holes and half-closes their
 * connections at random. Asserted: every call ends by its deadline (plus {@link SoakCalls#SLACK})
 * with OK (and the right answer) or a status of {@link SoakCalls#EXPECTED}; afterwards the heap
 * (after GC, less Netty's buffer pool) is back near its baseline, no thread started during the run
 * is left, and Netty reports no leaked buffer (paranoid detection).
 *
 * <p>Runs {@code typedrpc.soak.seconds} (default 30) with the seed {@code typedrpc.soak.seed}
 * (default: the clock; printed for replay), on the transports {@code typedrpc.soak.transports}
 * (default {@code ws,sse,h2c,wss,h2}). {@code -Psoak} runs it for 10 minutes.
 */
@ExtendWith(LeakCheck.class)
class FaultSoakTest {
  private static final long SECONDS = Long.getLong("typedrpc.soak.seconds", 30);
  private static final long SEED = Long.getLong("typedrpc.soak.seed", System.nanoTime());
  private static final List<String> SCHEMES =
      List.of(System.getProperty("typedrpc.soak.transports", "ws,sse,h2c,wss,h2").split(","));
  private static final int CHANNELS_PER_SCHEME = 2;
  private static final int WORKERS_PER_CHANNEL = 3;

  /** Heap (after GC) the run may leave behind: generous, a leak of calls or connections is more. */
  private static final long HEAP_SLACK = 24L << 20;

  /**
   * Threads of the runtime's shared pools, which outlive a run by design: the client event loops (2
   * x cores, never shut down), the callback pool (cached: idle threads end after 60 s), the timer
   * thread; and threads of the JVM and of Netty's global executor.
   */
  private static final List<String> SHARED_THREADS =
      List.of(
          "typedrpc-ws-client-",
          "typedrpc-callback-",
          "typedrpc-timer-",
          "globalEventExecutor-",
          "ForkJoinPool.commonPool-",
          "ObjectCleanerThread",
          "Attach Listener",
          "process reaper");

  /** The server's event loops, which start as connections arrive and end when it stops. */
  private static final List<String> SERVER_LOOPS =
      List.of("typedrpc-ws-boss-", "typedrpc-ws-worker-");

  private static final TransportSettings SERVER_SETTINGS =
      TransportSettings.DEFAULT.withKeepAlive(
          KeepAliveSettings.DEFAULT
              .withKeepAliveTime(Duration.ofSeconds(2))
              .withKeepAliveTimeout(Duration.ofSeconds(2))
              .withPermitKeepAliveTime(KeepAliveSettings.MIN_KEEP_ALIVE_TIME)
              .withPermitKeepAliveWithoutCalls(true));

  private static final ChannelOptions CLIENT_OPTIONS =
      ChannelOptions.DEFAULT
          .withTransport(
              TransportSettings.DEFAULT
                  .withConnectTimeout(Duration.ofSeconds(2))
                  .withKeepAlive(
                      KeepAliveSettings.DEFAULT
                          .withKeepAliveTime(Duration.ofSeconds(1))
                          .withKeepAliveTimeout(Duration.ofSeconds(1))
                          .withKeepAliveWithoutCalls(true)))
          .withConnectionBackoff(
              ConnectionBackoff.DEFAULT
                  .withInitialBackoff(Duration.ofMillis(100))
                  .withMaxBackoff(Duration.ofSeconds(1))
                  .withMinConnectTimeout(Duration.ofSeconds(2)));

  private RpcServer server;

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES) // the run bounds itself: SECONDS + bounded waits
  void everyCallEndsByItsDeadlineThroughRandomFaultsAndNothingIsLeftBehind() throws Exception {
    System.out.printf(
        "fault soak: %d s, seed %d (replay with -Dtypedrpc.soak.seed=%d)%n", SECONDS, SEED, SEED);
    Set<Thread> threadsBeforeServer = Thread.getAllStackTraces().keySet();
    server =
        RpcServer.builder()
            .listen(TestCerts.tlsListenUri())
            .addService(new ConformanceService().definition())
            .transportSettings(SERVER_SETTINGS)
            .build()
            .start();
    int port = server.address().getPort();
    warmUp(port);
    Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
    long heapBefore = usedHeapAfterGc();
    long poolBefore = pooledHeap();

    SoakCalls.Tally tally = new SoakCalls.Tally();
    Map<FaultProxy.Fault, Long> faults;
    long connections;
    try (FaultProxy proxy = new FaultProxy(port, SEED, 6000)) {
      List<RpcChannel> channels = new ArrayList<>();
      List<Thread> workers = new ArrayList<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
      int index = 0;
      for (String scheme : SCHEMES) {
        for (int c = 0; c < CHANNELS_PER_SCHEME; c++) {
          RpcChannel channel = RpcChannel.connect(uri(scheme, proxy.port()), CLIENT_OPTIONS);
          channels.add(channel);
          for (int w = 0; w < WORKERS_PER_CHANNEL; w++) {
            SoakCalls calls = new SoakCalls(channel, scheme, SEED + index++, tally);
            Thread t = new Thread(() -> calls.runUntil(end), "soak-" + scheme + "-" + index);
            t.setDaemon(true);
            workers.add(t);
            t.start();
          }
        }
      }
      for (Thread t : workers) {
        t.join(TimeUnit.SECONDS.toMillis(SECONDS + 60));
        assertThat(t.isAlive()).as("soak worker %s still running", t.getName()).isFalse();
      }
      for (RpcChannel channel : channels) {
        channel.shutdownNow();
        assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
      }
      faults = proxy.injected();
      connections = proxy.connectionsAccepted();
    }
    long heapAfter = usedHeapAfterGc();
    long poolAfter = pooledHeap();
    // the server's event loops start lazily (up to 2 x cores), so they are checked once it stopped
    List<String> leftThreads = threadsLeft(threadsBefore, SERVER_LOOPS);
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    server = null;
    List<String> leftAfterServer = threadsLeft(threadsBeforeServer, List.of());
    List<String> leaks = LeakCheck.collectLeaks();

    System.out.printf(
        "fault soak: seed %d, %d calls (%s), %d connections through the proxy, faults %s%n"
            + "  by transport and status: %s%n"
            + "  latest end after the deadline: %d ms; heap after GC besides the buffer pool before"
            + " %,d B, after %,d B; the pool's heap before %,d B, after %,d B%n",
        SEED,
        tally.calls(),
        tally.byKind(),
        connections,
        faults,
        tally.byTransportAndStatus(),
        tally.maxOverrunMillis(),
        heapBefore,
        heapAfter,
        poolBefore,
        poolAfter);

    assertThat(tally.problems()).as("calls that broke the rules").isEmpty();
    for (String scheme : SCHEMES) {
      assertThat(tally.ok(scheme)).as("calls that succeeded over %s", scheme).isPositive();
    }
    if (SECONDS >= 20) { // long enough for every kind of fault to come up
      assertThat(faults.values()).as("faults injected: %s", faults).allMatch(n -> n > 0);
    }
    assertThat(heapAfter)
        .as("heap after the run (before: %,d B)", heapBefore)
        .isLessThan(heapBefore + HEAP_SLACK);
    assertThat(leftThreads).as("threads started during the run and still alive").isEmpty();
    assertThat(leftAfterServer).as("threads left after the server stopped").isEmpty();
    assertThat(leaks).as("ByteBuf leaks").isEmpty();
  }

  /** The server serves every scheme on its one port: cleartext, and TLS with the test CA's cert. */
  private static URI uri(String scheme, int port) {
    String path = scheme.startsWith("h2") ? "" : "/rpc";
    String tls = scheme.equals("wss") || scheme.equals("h2") ? "?" + TestCerts.trustQuery() : "";
    return URI.create(scheme + "://127.0.0.1:" + port + path + tls);
  }

  /**
   * One call per transport straight to the server, so that classes, pools and the shared client
   * event loops exist before the baseline is taken. Not through the soak's options: the first TLS
   * handshake of the run loads and compiles much, which takes more than their 2 s connect timeout
   * on a loaded machine, and nothing is measured here.
   */
  private static void warmUp(int port) throws InterruptedException {
    ChannelOptions patient =
        ChannelOptions.DEFAULT.withTransport(
            TransportSettings.DEFAULT.withConnectTimeout(Duration.ofSeconds(30)));
    for (String scheme : SCHEMES) {
      RpcChannel channel = RpcChannel.connect(uri(scheme, port), patient);
      assertThat(
              ClientCalls.blockingUnary(
                  channel,
                  ConformanceService.ECHO,
                  CallOptions.DEFAULT.withWaitForReady().withTimeout(Duration.ofSeconds(60)),
                  "warm"))
          .isEqualTo("warm");
      channel.shutdownNow();
      assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  /**
   * Heap in use after a few rounds of garbage collection, less what Netty's buffer pool holds. The
   * pool keeps the chunks it carved buffers from for reuse, sized by the run's peak use, and the
   * JDK's TLS engine works on heap buffers: with TLS, most of what a run leaves on the heap (13 of
   * 15 MB in a 20 s run) is pooled chunks, not objects a leak would leave. Buffers never released
   * back to the pool are {@link LeakCheck}'s to find.
   */
  private static long usedHeapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200);
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      used = Math.min(used, heap - pooledHeap());
    }
    return used;
  }

  /** Heap memory Netty's default buffer pool holds (in chunks, used or free). */
  private static long pooledHeap() {
    return ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider pool
        ? pool.metric().usedHeapMemory()
        : 0;
  }

  /**
   * Threads alive now that were not before, other than those of shared pools and {@code
   * alsoAllowed} (name prefixes), after giving them up to 10 s to end.
   */
  private static List<String> threadsLeft(Set<Thread> before, List<String> alsoAllowed)
      throws InterruptedException {
    List<String> left = List.of();
    for (int i = 0; i < 50; i++) {
      left =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.isAlive() && !before.contains(t))
              .map(Thread::getName)
              .filter(name -> SHARED_THREADS.stream().noneMatch(name::startsWith))
              .filter(name -> alsoAllowed.stream().noneMatch(name::startsWith))
              .sorted()
              .collect(Collectors.toList());
      if (left.isEmpty()) {
        return left;
      }
      Thread.sleep(200);
    }
    return left;
  }
}
