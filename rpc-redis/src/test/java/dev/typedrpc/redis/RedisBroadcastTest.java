package dev.typedrpc.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import io.lettuce.core.RedisClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two nodes broadcasting through one redis-server of the test's own. */
class RedisBroadcastTest {
  @RegisterExtension static final RedisServer redis = new RedisServer();
  private static final AtomicInteger tests = new AtomicInteger();

  private final String prefix = "bc" + tests.incrementAndGet();
  private final List<RedisClient> clients = new ArrayList<>();
  private final List<RedisBroadcast<String>> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(RedisBroadcast::close);
    clients.forEach(RedisClients::shutdown);
  }

  private RedisBroadcast<String> node(int buffer) {
    RedisClient client = RedisClients.create(redis);
    clients.add(client);
    RedisBroadcast<String> node =
        RedisBroadcast.create(client, RoomsNode.Text.INSTANCE, prefix, buffer, 100);
    nodes.add(node);
    return node;
  }

  @Test
  void whatOneNodePublishesEveryNodesSubscribersReceiveInOrder() throws Exception {
    RedisBroadcast<String> a = node(256);
    RedisBroadcast<String> b = node(256);
    Received onB = new Received(Long.MAX_VALUE);
    b.subscribe("chat").subscribe(onB);
    Received onA = new Received(Long.MAX_VALUE);
    a.subscribe("chat").subscribe(onA);
    Received other = new Received(Long.MAX_VALUE);
    b.subscribe("other").subscribe(other);
    awaitSubscribed(a, "chat", 2);

    for (int i = 0; i < 200; i++) {
      a.publish("chat", "m" + i);
    }
    a.publish("chat", "end").get(30, TimeUnit.SECONDS);
    assertThat(onB.until("end")).containsExactlyElementsOf(expected(200));
    assertThat(onA.until("end")).containsExactlyElementsOf(expected(200));
    assertThat(other.items).isEmpty();

    // after the last subscriber of a topic here cancels, this node no longer receives it
    onB.subscription.cancel();
    awaitSubscribed(a, "chat", 1);
  }

  @Test
  void aSubscriberThatFallsBehindFailsAndTheOthersGoOn() throws Exception {
    RedisBroadcast<String> a = node(4);
    RedisBroadcast<String> b = node(4);
    Received slow = new Received(0);
    b.subscribe("chat").subscribe(slow);
    Received fast = new Received(Long.MAX_VALUE);
    b.subscribe("chat").subscribe(fast);
    awaitSubscribed(a, "chat", 1);
    for (int i = 0; i < 20; i++) {
      a.publish("chat", "m" + i);
    }
    a.publish("chat", "end");
    assertThat(fast.until("end")).containsExactlyElementsOf(expected(20));
    assertThatThrownBy(() -> slow.done.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThatThrownBy(() -> a.publish("chat", "x".repeat(RedisBroadcast.MAX_MESSAGE_BYTES)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Publishes a probe until {@code receivers} connections get it (their SUBSCRIBE took effect). */
  private static void awaitSubscribed(RedisBroadcast<String> node, String topic, long receivers)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (node.publish(topic, "probe").get(30, TimeUnit.SECONDS) != receivers) {
      assertThat(System.nanoTime()).as("subscribed within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static List<String> expected(int n) {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add("m" + i);
    }
    return all;
  }

  /** What a subscriber received, probes left out. */
  private static final class Received implements Flow.Subscriber<String> {
    private final long demand;
    final BlockingQueue<String> items = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile Flow.Subscription subscription;

    Received(long demand) {
      this.demand = demand;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (demand > 0) {
        s.request(demand);
      }
    }

    @Override
    public void onNext(String item) {
      if (!item.equals("probe")) {
        items.add(item);
      }
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      done.complete(null);
    }

    /** The items before {@code last}, waiting for it. */
    List<String> until(String last) throws InterruptedException {
      List<String> got = new ArrayList<>();
      while (true) {
        String item = items.poll(30, TimeUnit.SECONDS);
        assertThat(item).as("'" + last + "' within 30 s, after " + got.size()).isNotNull();
        if (item.equals(last)) {
          return got;
        }
        got.add(item);
      }
    }
  }
}
