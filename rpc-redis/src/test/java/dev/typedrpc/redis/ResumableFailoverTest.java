package dev.typedrpc.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ConnectionBackoff;
import dev.typedrpc.LoadBalancing;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.stub.ClientCalls;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three server nodes in this JVM share a {@link RedisReplayLog}; a subscriber of a resumable feed
 * follows it through a pick-first channel listing all three, while another node appends 10,000
 * events. The node serving the subscriber is stopped abruptly mid-stream: the subscriber, which
 * does nothing special, resumes on another node and receives every event once and in order; also
 * when the other nodes can only be reached over another transport.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ResumableFailoverTest {
  static final int EVENTS = 10_000;

  @RegisterExtension static final RedisServer redis = new RedisServer();

  private final List<FeedNode> nodes = new ArrayList<>();
  private final List<AutoCloseable> closeAfter = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
    for (FeedNode n : nodes) {
      n.close();
    }
  }

  static RpcChannel channel(String scheme, List<Integer> ports) {
    String hosts = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    return RpcChannel.connect(
        URI.create(scheme + "://" + hosts + (scheme.equals("h2c") ? "" : "/rpc")),
        ChannelOptions.DEFAULT
            .withLoadBalancing(LoadBalancing.pickFirst())
            .withAttemptTimeout(Duration.ofSeconds(3))
            .withConnectionBackoff(
                ConnectionBackoff.DEFAULT
                    .withInitialBackoff(Duration.ofMillis(50))
                    .withMaxBackoff(Duration.ofMillis(500))));
  }

  static List<String> numbers(int count) {
    return IntStream.range(0, count).mapToObj(Integer::toString).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void theServingNodeStopsAndTheSubscriberContinuesOnAnother(String scheme) throws Exception {
    for (int i = 0; i < 3; i++) {
      nodes.add(new FeedNode(redis.uri()));
    }
    RpcChannel channel = channel(scheme, nodes.stream().map(FeedNode::port).toList());
    closeAfter.add(channel::close);
    failOver(channel, "failover-" + scheme, "failover over " + scheme);
  }

  /**
   * A negotiating ({@code typedrpc://}) channel reaches the first node over WebSocket; the other
   * two sit behind proxies that refuse WebSocket and HTTP/2, so after the fail-over the stream goes
   * on over SSE.
   */
  @Test
  void theSubscriberFailsOverToAnotherTransport() throws Exception {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      FeedNode node = new FeedNode(redis.uri());
      nodes.add(node);
      Relay relay = new Relay(node.port());
      closeAfter.add(relay);
      if (i > 0) {
        relay.refuseUpgrades();
      }
      ports.add(relay.port());
    }
    RpcChannel channel = channel("typedrpc", ports);
    closeAfter.add(channel::close);
    String before = failOver(channel, "switch", "failover from ws to sse");
    assertThat(before).isEqualTo("ws");
    assertThat(channel.transportScheme()).isEqualTo("sse");
  }

  /** Runs the fail-over; answers the channel's transport before the kill. */
  private String failOver(RpcChannel channel, String key, String what) throws Exception {
    FeedNode appender = nodes.get(2);
    long start = appender.log.position(key);
    CompletableFuture<FeedNode> killed = new CompletableFuture<>();
    CompletableFuture<String> transportBefore = new CompletableFuture<>();
    FeedCollector collector =
        new FeedCollector(
            EVENTS,
            EVENTS / 3,
            n -> {
              try {
                transportBefore.complete(channel.transportScheme());
                FeedNode serving =
                    nodes.stream().filter(f -> f.serving() > 0).findFirst().orElseThrow();
                serving.kill();
                killed.complete(serving);
              } catch (Throwable e) {
                killed.completeExceptionally(e);
              }
            });
    ClientCalls.serverStreaming(
            channel,
            FeedNode.FOLLOW,
            CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(150)).withResumeAfter(start),
            key)
        .subscribe(collector);

    Thread writer =
        new Thread(
            () -> {
              for (int i = 0; i < EVENTS; i++) {
                String text = Integer.toString(i);
                appender.log.append(key, p -> p + ":" + text);
              }
            });
    writer.start();

    collector.await();
    writer.join(60_000);
    FeedNode dead = killed.get(30, TimeUnit.SECONDS);
    System.out.println(what + ": sent " + EVENTS + ", " + collector.counts());
    assertThat(collector.error()).isNull();
    assertThat(collector.duplicates()).as("duplicates").isZero();
    assertThat(collector.gaps()).as("gaps").isZero();
    assertThat(collector.texts()).containsExactlyElementsOf(numbers(EVENTS));
    assertThat(nodes.stream().filter(n -> n != dead).mapToInt(FeedNode::calls).sum())
        .as("calls on the other nodes")
        .isPositive();
    return transportBefore.get();
  }
}
