package dev.typedrpc.redis;

import dev.typedrpc.CallKind;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ResumePosition;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.testing.TestCodecs;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server node with a resumable feed backed by a {@link RedisReplayLog}: {@code Follow} ({@code
 * key}) is {@code @Resumable} and streams the key's events ({@code "<position>:<text>"}); {@code
 * Publish} ({@code key|from|count}) appends {@code count} events whose texts are the numbers from
 * {@code from} on, and answers the last position (with none, the key's position); {@code Serving}
 * answers how many {@code Follow} calls this node serves now. Run as a program ({@code FeedNode
 * <redis uri>}) it prints {@code LISTENING <port>} and serves until killed.
 */
final class FeedNode implements AutoCloseable {
  private static final String NAME = "typedrpc.testing.Feed";

  /** Events are {@code "<position>:<text>"}. */
  static final MethodDescriptor<String, String> FOLLOW =
      MethodDescriptor.of(
              NAME, "Follow", CallKind.SERVER_STREAMING, TestCodecs.STRING, TestCodecs.STRING)
          .withResumePosition(FeedNode::positionOf);

  static final MethodDescriptor<String, String> PUBLISH =
      MethodDescriptor.of(NAME, "Publish", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);
  static final MethodDescriptor<String, String> SERVING =
      MethodDescriptor.of(NAME, "Serving", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);

  private final RedisClient client;
  final RedisReplayLog<String> log;
  private final RpcServer server;
  private final AtomicInteger serving = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();

  FeedNode(String redisUri) throws Exception {
    client =
        RedisClient.create(
            ClientResources.builder()
                .reconnectDelay(Delay.constant(Duration.ofMillis(100)))
                .build(),
            redisUri);
    client.setOptions(
        ClientOptions.builder()
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(10_000)
            .build());
    log = RedisReplayLog.builder(TestCodecs.STRING).window(100_000).build(client);
    server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc") // the same port serves sse and h2c
            .addService(
                ServerServiceDefinition.builder(
                        ServiceDescriptor.of(NAME, 1, List.of(FOLLOW, PUBLISH, SERVING)))
                    .serverStreaming(FOLLOW, this::follow)
                    .unary(PUBLISH, this::publish)
                    .unary(SERVING, unused -> Integer.toString(serving.get()))
                    .build())
            .build()
            .start();
  }

  static long positionOf(String event) {
    return Long.parseLong(event.substring(0, event.indexOf(':')));
  }

  int port() {
    return server.address().getPort();
  }

  int serving() {
    return serving.get();
  }

  /** How many {@code Follow} calls this node took. */
  int calls() {
    return calls.get();
  }

  private java.util.concurrent.Flow.Publisher<String> follow(String key) {
    calls.incrementAndGet();
    serving.incrementAndGet();
    RpcContext.current().addCancelListener(serving::decrementAndGet);
    return log.subscribe(key, ResumePosition.current());
  }

  private String publish(String request) {
    String[] parts = request.split("\\|");
    long from = Long.parseLong(parts[1]);
    int count = Integer.parseInt(parts[2]);
    long last = count == 0 ? log.position(parts[0]) : 0;
    for (int i = 0; i < count; i++) {
      String text = Long.toString(from + i);
      last = positionOf(log.append(parts[0], p -> p + ":" + text));
    }
    return Long.toString(last);
  }

  /** Stops at once: connections are reset, calls end. */
  void kill() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(Duration.ofSeconds(10));
  }

  @Override
  public void close() throws Exception {
    kill();
    log.close();
    client.shutdown(0, 10, TimeUnit.SECONDS);
    var unused = client.getResources().shutdown(0, 10, TimeUnit.SECONDS);
  }

  public static void main(String[] args) throws Exception {
    FeedNode node = new FeedNode(args[0]);
    System.out.println("LISTENING " + node.port());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
