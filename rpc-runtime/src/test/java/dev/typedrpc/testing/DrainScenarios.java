package dev.typedrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ConnectionBackoff;
import dev.typedrpc.ConnectionState;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Graceful drain and rolling restarts, on one transport: servers that take each other's place on
 * the same address while a client keeps calling. Used by {@link AbstractTransportConformanceTest}.
 */
final class DrainScenarios {
  private final URI listen;
  private final UnaryOperator<URI> clientUri;
  private final TransportSettings settings;
  private final List<RpcServer> servers = new ArrayList<>();

  DrainScenarios(URI listen, UnaryOperator<URI> clientUri, TransportSettings settings) {
    this.listen = listen;
    this.clientUri = clientUri;
    this.settings = settings;
  }

  /** Starts a server at {@code address} (the listen URI first), retrying while the port is busy. */
  RpcServer start(URI address, DrainService service, Duration drain) throws Exception {
    URI at = address == null ? listen : sameAddressAgain(address);
    IOException last = null;
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        RpcServer s =
            RpcServer.builder()
                .listen(at)
                .addService(service.definition())
                .transportSettings(settings)
                .drainTimeout(drain)
                .build()
                .start();
        servers.add(s);
        return s;
      } catch (IOException e) { // the old server's port is not free yet
        last = e;
        Thread.sleep(20);
      }
    }
    throw last;
  }

  RpcChannel connect(URI serverAddress) {
    return RpcChannel.connect(
        clientUri.apply(serverAddress),
        ChannelOptions.DEFAULT
            .withTransport(settings)
            .withConnectionBackoff(
                ConnectionBackoff.DEFAULT
                    .withInitialBackoff(Duration.ofMillis(20))
                    .withMaxBackoff(Duration.ofMillis(100))));
  }

  void stopAll() throws InterruptedException {
    for (RpcServer s : servers) {
      s.shutdownNow();
      assertThat(s.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  /**
   * Calls in progress when the server shuts down finish on it; new calls go to its successor on the
   * same address once the client heard the GOAWAY.
   */
  void inFlightCallsFinishAndNewCallsGoToTheNextServer() throws Exception {
    Map<String, AtomicInteger> runs = DrainService.newRuns();
    DrainService a = new DrainService("A", runs, 3);
    // The held calls are released only after a call on a new connection to the next server (with
    // TLS, a handshake that takes seconds on a loaded machine): the drain deadline must not come
    // first, or it ends them with UNAVAILABLE.
    RpcServer first = start(null, a, Duration.ofSeconds(90));
    RpcChannel c = connect(first.address());
    try {
      List<CompletableFuture<String>> inFlight = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        inFlight.add(ClientCalls.futureUnary(c, DrainService.HOLD, CallOptions.DEFAULT, "h" + i));
      }
      assertThat(a.held.await(10, TimeUnit.SECONDS)).isTrue();
      long drainStart = System.nanoTime();
      first.shutdown();
      DrainService b = new DrainService("B", runs, 0);
      start(first.address(), b, Duration.ofSeconds(90));
      awaitNotReady(c); // the GOAWAY reached the client: its connection takes no new calls
      assertThat(ClientCalls.blockingUnary(c, DrainService.WORK, CallOptions.DEFAULT, "new"))
          .isEqualTo("B:new");
      assertThat(first.awaitTermination(Duration.ofMillis(100))).as("A drains").isFalse();
      a.release();
      long released = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStart);
      for (int i = 0; i < 3; i++) {
        try {
          assertThat(inFlight.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("A:h" + i);
        } catch (ExecutionException e) {
          throw new AssertionError(
              "held call " + i + " failed; released " + released + " ms after the drain began",
              e.getCause());
        }
      }
      assertThat(first.awaitTermination(Duration.ofSeconds(30))).isTrue();
      assertThat(a.cancelled).hasValue(0);
    } finally {
      c.shutdownNow();
      stopAll();
    }
  }

  /** Calls still open at the drain deadline end with UNAVAILABLE; the server terminates. */
  void theDrainDeadlineEndsCallsStillOpen() throws Exception {
    DrainService a = new DrainService("A", DrainService.newRuns(), 1);
    RpcServer s = start(null, a, Duration.ofMillis(300));
    RpcChannel c = connect(s.address());
    try {
      CompletableFuture<String> held =
          ClientCalls.futureUnary(c, DrainService.HOLD, CallOptions.DEFAULT, "h");
      assertThat(a.held.await(10, TimeUnit.SECONDS)).isTrue();
      s.shutdown();
      assertThat(s.awaitTermination(Duration.ofSeconds(10))).isTrue();
      ExecutionException e =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              ExecutionException.class, () -> held.get(10, TimeUnit.SECONDS));
      assertThat(((RpcException) e.getCause()).status().code()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(a.cancelled).hasValue(1);
    } finally {
      c.shutdownNow();
      stopAll();
    }
  }

  /**
   * A rolling restart under load: {@code threads} threads make {@code callsPerThread} calls each
   * while the server is replaced {@code restarts} times on the same address. Every call either
   * succeeds having run exactly once, or fails with UNAVAILABLE without having run (safe to retry):
   * none is lost and none runs twice. Returns {succeeded, failed}.
   */
  int[] rollingRestartUnderLoad(int threads, int callsPerThread, int restarts) throws Exception {
    Map<String, AtomicInteger> runs = DrainService.newRuns();
    RpcServer current = start(null, new DrainService("S0", runs, 0), Duration.ofSeconds(20));
    URI address = current.address();
    RpcChannel c = connect(address);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicInteger done = new AtomicInteger();
    List<CompletableFuture<Status>> results = new ArrayList<>();
    try {
      CallOptions options =
          CallOptions.DEFAULT.withWaitForReady().withTimeout(Duration.ofSeconds(20));
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < callsPerThread; i++) {
          String id = t + "-" + i;
          results.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      ClientCalls.blockingUnary(c, DrainService.WORK, options, id);
                      return Status.OK;
                    } catch (RpcException e) {
                      return e.status();
                    } finally {
                      done.incrementAndGet();
                    }
                  },
                  pool));
        }
      }
      int total = threads * callsPerThread;
      for (int r = 1; r <= restarts; r++) {
        int target = total * r / (restarts + 1);
        while (done.get() < target) {
          Thread.sleep(2);
        }
        RpcServer old = current;
        old.shutdown();
        current = start(address, new DrainService("S" + r, runs, 0), Duration.ofSeconds(20));
        assertThat(old.awaitTermination(Duration.ofSeconds(15))).as("server drained").isTrue();
      }
      int ok = 0;
      int failed = 0;
      for (int i = 0; i < results.size(); i++) {
        Status status = results.get(i).get(30, TimeUnit.SECONDS);
        String id = (i / callsPerThread) + "-" + (i % callsPerThread);
        AtomicInteger ran = runs.get(id);
        int times = ran == null ? 0 : ran.get();
        if (status.isOk()) {
          ok++;
          assertThat(times).as("executions of a call that succeeded, " + id).isEqualTo(1);
        } else {
          failed++;
          assertThat(status.code())
              .as("status of " + id + ": " + status)
              .isEqualTo(Status.Code.UNAVAILABLE);
          assertThat(times).as("executions of a call that failed, " + id).isZero();
        }
      }
      return new int[] {ok, failed};
    } finally {
      pool.shutdownNow();
      c.shutdownNow();
      stopAll();
    }
  }

  private static void awaitNotReady(RpcChannel c) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (c.state() == ConnectionState.READY && System.nanoTime() < end) {
      Thread.sleep(2);
    }
    assertThat(c.state()).isNotEqualTo(ConnectionState.READY);
  }

  private URI sameAddressAgain(URI address) throws URISyntaxException {
    if (address.getPort() < 0) {
      return address; // not a socket (mem:name)
    }
    return new URI(
        listen.getScheme(),
        listen.getUserInfo(),
        listen.getHost(),
        address.getPort(),
        listen.getPath(),
        listen.getQuery(),
        null);
  }
}
