package dev.typedrpc.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.stub.ClientCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis is killed and restarted mid-stream under two nodes sharing a {@link RedisReplayLog}. With
 * persistence, every append Redis acknowledged reaches the subscriber once and in order, and the
 * subscriber continues; without, the subscriber ends with {@code DATA_LOSS} naming what is gone.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisRestartResumeTest {
  private static final int EVENTS = ResumableFailoverTest.EVENTS;

  @RegisterExtension static final RedisServer redis = RedisServer.persistent();

  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closeAfter.add(0, c);
    return c;
  }

  private static void restart(RedisServer server, CompletableFuture<Void> done) {
    try {
      server.stop();
      Thread.sleep(500); // an outage: appends and reads fail meanwhile
      server.start();
      done.complete(null);
    } catch (Throwable e) {
      done.completeExceptionally(e);
    }
  }

  @Test
  void withPersistenceEveryAcknowledgedEventArrivesOnceInOrder() throws Exception {
    FeedNode serving = closeLater(new FeedNode(redis.uri()));
    FeedNode appender = closeLater(new FeedNode(redis.uri()));
    String key = "restart";
    long start = appender.log.position(key);
    CompletableFuture<Void> restarted = new CompletableFuture<>();
    FeedCollector collector = new FeedCollector(EVENTS, EVENTS / 3, n -> restart(redis, restarted));
    RpcChannel channel =
        closeLater(ResumableFailoverTest.channel("ws", List.of(serving.port(), appender.port())));
    ClientCalls.serverStreaming(
            channel,
            FeedNode.FOLLOW,
            CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(150)).withResumeAfter(start),
            key)
        .subscribe(collector);

    AtomicInteger failed = new AtomicInteger();
    Thread writer =
        new Thread(
            () -> {
              for (int i = 0; i < EVENTS; i++) {
                String text = Integer.toString(i);
                while (true) {
                  try {
                    appender.log.append(key, p -> p + ":" + text);
                    break;
                  } catch (RpcException e) {
                    failed.incrementAndGet(); // not acknowledged: append it again
                    try {
                      Thread.sleep(20);
                    } catch (InterruptedException interrupted) {
                      return;
                    }
                  }
                }
              }
            });
    writer.start();

    restarted.get(60, TimeUnit.SECONDS);
    writer.join(120_000);
    // an append that failed may still have been written before its answer was lost: then its text
    // comes twice (at two positions); waiting for EVENTS + failed would wait for ones never sent
    collector.await();
    String lastText = Integer.toString(EVENTS - 1);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (collector.error() == null
        && !collector.texts().get(collector.texts().size() - 1).equals(lastText)
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    List<String> texts = collector.texts();
    List<String> distinct = new ArrayList<>();
    for (String t : texts) {
      if (distinct.isEmpty() || !distinct.get(distinct.size() - 1).equals(t)) {
        distinct.add(t);
      }
    }
    System.out.println(
        "Redis restarted (persistent): sent "
            + EVENTS
            + " ("
            + failed.get()
            + " appends not acknowledged, sent again), "
            + collector.counts()
            + ", texts repeated "
            + (texts.size() - distinct.size()));
    assertThat(collector.error()).isNull();
    assertThat(collector.duplicates()).as("duplicates").isZero();
    assertThat(collector.gaps()).as("gaps").isZero();
    assertThat(distinct).containsExactlyElementsOf(ResumableFailoverTest.numbers(EVENTS));
    assertThat(texts.size() - distinct.size()).isLessThanOrEqualTo(failed.get());
  }

  @Test
  void withoutPersistenceTheSubscriberEndsWithDataLoss() throws Exception {
    RedisServer empty = closeLater(new RedisServer());
    empty.start();
    FeedNode serving = closeLater(new FeedNode(empty.uri()));
    FeedNode appender = closeLater(new FeedNode(empty.uri()));
    String key = "lost";
    long start = appender.log.position(key);
    FeedCollector collector = new FeedCollector(Integer.MAX_VALUE, -1, n -> {});
    RpcChannel channel =
        closeLater(ResumableFailoverTest.channel("ws", List.of(serving.port(), appender.port())));
    ClientCalls.serverStreaming(
            channel,
            FeedNode.FOLLOW,
            CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(150)).withResumeAfter(start),
            key)
        .subscribe(collector);
    for (int i = 0; i < 100; i++) {
      String text = Integer.toString(i);
      appender.log.append(key, p -> p + ":" + text);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (collector.received() < 100 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(collector.received()).isEqualTo(100);

    CompletableFuture<Void> restarted = new CompletableFuture<>();
    restart(empty, restarted);
    restarted.get();
    // Redis came back empty: the key starts again, at a higher position
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (collector.error() == null && System.nanoTime() < deadline) {
      try {
        appender.log.append(key, p -> p + ":after");
      } catch (RpcException e) {
        // not reconnected yet
      }
      Thread.sleep(20);
    }
    collector.await();
    System.out.println(
        "Redis restarted (empty): sent 100 before, "
            + collector.counts()
            + ", ended with "
            + collector.error());
    assertThat(collector.error()).isInstanceOf(RpcException.class);
    RpcException e = (RpcException) collector.error();
    assertThat(e.status().code()).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(e.status().description())
        .contains("after position " + (start + 100))
        .contains("no longer kept");
    assertThat(collector.received()).isEqualTo(100);
    assertThat(collector.duplicates()).isZero();
  }
}
