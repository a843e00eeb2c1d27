package dev.typedrpc.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.stub.ClientCalls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three server processes ({@link FeedNode} programs) share a {@link RedisReplayLog}; a subscriber
 * in this JVM follows a resumable feed through a pick-first channel listing all three, while the
 * test publishes 10,000 events through another node. The serving process is killed ({@code
 * SIGKILL}) mid-stream: the subscriber resumes on another process and receives every event once and
 * in order.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResumableProcessKillTest {
  private static final int EVENTS = ResumableFailoverTest.EVENTS;
  private static final int BATCH = 100;

  @RegisterExtension static final RedisServer redis = new RedisServer();

  private final List<NodeProcess> processes = new ArrayList<>();
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  /** A {@link FeedNode} in a JVM of its own, on this test's class path. */
  static final class NodeProcess implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> port = new CompletableFuture<>();

    NodeProcess(String redisUri) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      process =
          new ProcessBuilder(
                  java,
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  FeedNode.class.getName(),
                  redisUri)
              .redirectErrorStream(true)
              .start();
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                    if (l.startsWith("LISTENING ")) {
                      port.complete(Integer.parseInt(l.substring("LISTENING ".length())));
                    }
                  }
                } catch (IOException e) {
                  lines.add("reader failed: " + e);
                }
                port.completeExceptionally(new IOException("exited: " + lines));
              });
      reader.setDaemon(true);
      reader.start();
    }

    int port() throws Exception {
      return port.get(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
    for (NodeProcess p : processes) {
      p.close();
    }
  }

  private RpcChannel direct(int port) {
    RpcChannel c = RpcChannel.connect(URI.create("ws://127.0.0.1:" + port + "/rpc"));
    closeAfter.add(0, c::close);
    return c;
  }

  private static int serving(RpcChannel channel) {
    return Integer.parseInt(
        ClientCalls.blockingUnary(
            channel,
            FeedNode.SERVING,
            CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)),
            ""));
  }

  @Test
  void theServingProcessIsKilledAndTheSubscriberContinuesOnAnother() throws Exception {
    for (int i = 0; i < 3; i++) {
      processes.add(new NodeProcess(redis.uri()));
    }
    List<Integer> ports = new ArrayList<>();
    List<RpcChannel> directs = new ArrayList<>();
    for (NodeProcess p : processes) {
      ports.add(p.port());
      directs.add(direct(p.port()));
    }
    String key = "killed";
    // the key's position: a publish of no event answers it
    long start =
        Long.parseLong(
            ClientCalls.blockingUnary(
                directs.get(0),
                FeedNode.PUBLISH,
                CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30)),
                key + "|0|0"));
    CompletableFuture<Integer> killed = new CompletableFuture<>();
    FeedCollector collector =
        new FeedCollector(
            EVENTS,
            EVENTS / 3,
            n -> {
              try {
                for (int i = 0; i < processes.size(); i++) {
                  if (serving(directs.get(i)) > 0) {
                    processes.get(i).process.destroyForcibly(); // SIGKILL
                    killed.complete(i);
                    return;
                  }
                }
                killed.completeExceptionally(new AssertionError("no node serves the subscriber"));
              } catch (Throwable e) {
                killed.completeExceptionally(e);
              }
            });
    RpcChannel channel = ResumableFailoverTest.channel("ws", ports);
    closeAfter.add(0, channel::close);
    ClientCalls.serverStreaming(
            channel,
            FeedNode.FOLLOW,
            CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(100)).withResumeAfter(start),
            key)
        .subscribe(collector);

    // publish through a node that does not serve the subscriber
    int servingNode = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (servingNode < 0 && System.nanoTime() < deadline) {
      for (int i = 0; i < directs.size(); i++) {
        if (serving(directs.get(i)) > 0) {
          servingNode = i;
        }
      }
      Thread.sleep(10);
    }
    assertThat(servingNode).as("the node serving the subscriber").isNotNegative();
    RpcChannel publisher = directs.get((servingNode + 1) % directs.size());
    for (int from = 0; from < EVENTS; from += BATCH) {
      ClientCalls.blockingUnary(
          publisher,
          FeedNode.PUBLISH,
          CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30)),
          key + "|" + from + "|" + BATCH);
    }

    collector.await();
    int dead = killed.get(30, TimeUnit.SECONDS);
    System.out.println(
        "process killed: node "
            + dead
            + " of 3 (SIGKILL), sent "
            + EVENTS
            + ", "
            + collector.counts());
    assertThat(dead).isEqualTo(servingNode);
    assertThat(processes.get(dead).process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(collector.error()).isNull();
    assertThat(collector.duplicates()).as("duplicates").isZero();
    assertThat(collector.gaps()).as("gaps").isZero();
    assertThat(collector.texts()).containsExactlyElementsOf(ResumableFailoverTest.numbers(EVENTS));
    int survivorsServing = 0;
    for (int i = 0; i < directs.size(); i++) {
      if (i != dead) {
        survivorsServing += serving(directs.get(i));
      }
    }
    assertThat(survivorsServing).as("a surviving node serves the subscriber now").isEqualTo(1);
  }
}
