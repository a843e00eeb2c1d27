package dev.typedrpc.bench.fanout;

import dev.typedrpc.ResumePosition;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.bench.driver.Jvms;
import dev.typedrpc.redis.RedisBroadcast;
import dev.typedrpc.redis.RedisReplayLog;
import dev.typedrpc.replay.InMemoryReplayLog;
import dev.typedrpc.spi.ServerLimits;
import dev.typedrpc.spi.TransportSettings;
import io.lettuce.core.RedisClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * One server node, in a JVM of its own ({@code _fanout-node REDIS_URI}): a WebSocket server on
 * 127.0.0.1 serving {@link FanoutService} from a {@link RedisBroadcast}, an {@link
 * InMemoryReplayLog} of its own and a {@link RedisReplayLog}, the Redis ones shared with the other
 * nodes. Prints {@code PORT <n>}, then runs until its stdin says {@code quit} or closes (its parent
 * died), and for half an hour at most.
 */
final class FanoutNode implements FanoutService {
  /** Events each log keeps per key: far more than a subscriber falls behind in a measurement. */
  static final int WINDOW = 100_000;

  /** Messages a subscriber of the broadcast may fall behind before it fails. */
  static final int BROADCAST_BUFFER = 4096;

  private static final Duration LIFETIME_LIMIT = Duration.ofMinutes(30);

  /** Every subscriber connects from 127.0.0.1: beyond the default limits per address. */
  static final TransportSettings SETTINGS =
      TransportSettings.DEFAULT
          .withConnectTimeout(Duration.ofMinutes(1))
          .withServerLimits(ServerLimits.DEFAULT.withMaxConnections(100_000, 100_000));

  private final RedisBroadcast<FeedEvent> broadcast;
  private final InMemoryReplayLog<String, FeedEvent> memory;
  private final RedisReplayLog<FeedEvent> redis;

  private FanoutNode(RedisClient client) {
    var codec = FanoutServiceRpcCodecs.FeedEventCodec.INSTANCE;
    this.broadcast = RedisBroadcast.create(client, codec, "fanout", BROADCAST_BUFFER, 100_000);
    this.memory = InMemoryReplayLog.<String, FeedEvent>builder().window(WINDOW).build();
    this.redis =
        RedisReplayLog.builder(codec)
            .prefix("fanout")
            .window(WINDOW)
            .maxSubscribers(100_000)
            .build(client);
  }

  static void run(String redisUri) throws Exception {
    Jvms.exitAfter(LIFETIME_LIMIT, "fan-out benchmark node");
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    RedisClient client = RedisClient.create(redisUri);
    FanoutNode node = new FanoutNode(client);
    RpcServer server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc")
            .addService(FanoutServiceRpc.bind(node))
            .transportSettings(SETTINGS)
            .build()
            .start();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      out.println("PORT " + server.address().getPort());
      for (String line = in.readLine();
          line != null && !line.equals("quit");
          line = in.readLine()) {
        out.println("unknown command " + line);
      }
    } finally {
      server.shutdownNow();
      server.awaitTermination(Duration.ofSeconds(10));
      node.broadcast.close();
      node.redis.close();
      client.shutdown();
    }
  }

  @Override
  public CompletableFuture<Long> post(Post post) {
    return switch (post.source()) {
      case "broadcast" ->
          broadcast
              .publish(post.topic(), event(post.sequence(), post))
              .thenApply(receivers -> post.sequence());
      case "memory" ->
          CompletableFuture.completedFuture(
              memory.append(post.topic(), p -> event(p, post)).position());
      case "redis" ->
          CompletableFuture.completedFuture(
              redis.append(post.topic(), p -> event(p, post)).position());
      default ->
          CompletableFuture.failedFuture(
              Status.INVALID_ARGUMENT
                  .withDescription("unknown source " + post.source())
                  .asException());
    };
  }

  private static FeedEvent event(long position, Post post) {
    return new FeedEvent(position, post.sequence(), post.postedNanos(), post.phase(), post.text());
  }

  @Override
  public Flow.Publisher<FeedEvent> follow(String topic) {
    return broadcast.subscribe(topic);
  }

  @Override
  public Flow.Publisher<FeedEvent> resume(String log, String topic) {
    return switch (log) {
      case "memory" -> memory.subscribe(topic, ResumePosition.current());
      case "redis" -> redis.subscribe(topic, ResumePosition.current());
      default -> throw Status.INVALID_ARGUMENT.withDescription("unknown log " + log).asException();
    };
  }
}
