package dev.typedrpc.bench.blocking;

import dev.typedrpc.RpcServer;
import dev.typedrpc.bench.echo.EchoServiceRpc;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The server JVM: {@code _blocking-server MODE MILLIS} serves {@link SleepingEcho} over WebSocket
 * on 127.0.0.1 with the executor MODE names, prints {@code PORT n}, then answers {@code threads}
 * (the peak number of live platform threads since the last ask, reset) until {@code quit}.
 */
public final class BlockingServerMain {
  /** The size of the fixed pool: a servlet container's usual maximum. */
  static final int FIXED_THREADS = 200;

  private BlockingServerMain() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    long millis = Long.parseLong(args[1]);
    RpcServer.Builder builder =
        RpcServer.builder()
            .listen(URI.create("ws://127.0.0.1:0/rpc"))
            .addService(EchoServiceRpc.bind(new SleepingEcho(millis)));
    ExecutorService pool = null;
    switch (mode) {
      case "cached" -> {} // the default executor
      case "fixed" -> {
        pool = Executors.newFixedThreadPool(FIXED_THREADS);
        builder.executor(pool);
      }
      case "virtual" -> builder.virtualThreads();
      default -> throw new IllegalArgumentException("no executor " + mode);
    }
    RpcServer server = builder.build().start();
    System.out.println("PORT " + server.address().getPort());
    System.out.flush();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
      if (line.equals("threads")) {
        System.out.println(threads.getPeakThreadCount());
        threads.resetPeakThreadCount();
      } else {
        System.out.println("-1");
      }
      System.out.flush();
    }
    server.shutdownNow();
    server.awaitTermination(Duration.ofSeconds(10));
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
