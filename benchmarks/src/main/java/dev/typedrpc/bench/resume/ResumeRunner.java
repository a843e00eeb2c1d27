package dev.typedrpc.bench.resume;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Publishers;
import dev.typedrpc.ResumePosition;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.bench.load.LocalRedis;
import dev.typedrpc.redis.RedisReplayLog;
import dev.typedrpc.replay.InMemoryReplayLog;
import dev.typedrpc.replay.ReplayLog;
import dev.typedrpc.spi.MessageCodec;
import dev.typedrpc.stub.ClientCalls;
import io.lettuce.core.RedisClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * The cost of resumability: events per second through one server-streaming call over WebSocket on
 * 127.0.0.1 from a plain publisher, from an {@link InMemoryReplayLog} (replayed after a position),
 * and from a {@link RedisReplayLog} (paged from a redis-server of its own, started from the {@code
 * PATH} if there is one), and how fast events are appended to each log. Events are 32-byte strings.
 * {@code resume [--events=100000] [--rounds=3]}: the best round of each is reported.
 */
public final class ResumeRunner {
  private ResumeRunner() {}

  private static final String PAYLOAD = "x".repeat(24);

  static final MessageCodec<String> TEXT =
      new MessageCodec<>() {
        @Override
        public int encodedSize(String value) {
          return CodedOutputStream.computeStringSize(1, value);
        }

        @Override
        public void encode(String value, CodedOutputStream out) throws IOException {
          out.writeString(1, value);
        }

        @Override
        public String decode(CodedInputStream in, int depth) throws IOException {
          String value = "";
          while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (tag == (1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
              value = in.readStringRequireUtf8();
            } else {
              in.skipField(tag);
            }
          }
          return value;
        }
      };

  static final MethodDescriptor<String, String> FOLLOW =
      MethodDescriptor.of("bench.Feed", "Follow", CallKind.SERVER_STREAMING, TEXT, TEXT)
          .withResumePosition(e -> Long.parseLong(e.substring(0, e.indexOf(':'))));

  public static String run(List<String> args) throws Exception {
    int events = 100_000;
    int rounds = 3;
    for (String a : args) {
      if (a.startsWith("--events=")) {
        events = Integer.parseInt(a.substring("--events=".length()));
      } else if (a.startsWith("--rounds=")) {
        rounds = Integer.parseInt(a.substring("--rounds=".length()));
      } else {
        throw new IllegalArgumentException("unknown option " + a);
      }
    }
    List<String> plain = new ArrayList<>(events);
    for (int i = 1; i <= events; i++) {
      plain.add(i + ":" + PAYLOAD);
    }
    InMemoryReplayLog<String, String> memory =
        InMemoryReplayLog.<String, String>builder().window(events).build();
    StringBuilder out = new StringBuilder("## Resumable streams\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "%,d events of 32 B through one call (ws, 127.0.0.1), best of %d rounds.%n%n",
            events,
            rounds));
    out.append("| source | appends/s | events/s through the stream |\n|---|---:|---:|\n");
    LocalRedis redis = LocalRedis.start();
    RedisClient client = redis == null ? null : RedisClient.create(redis.uri());
    RedisReplayLog<String> shared =
        client == null ? null : RedisReplayLog.builder(TEXT).window(events).build(client);
    RpcServer server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc")
            .addService(
                ServerServiceDefinition.builder(
                        ServiceDescriptor.of("bench.Feed", 1, List.of(FOLLOW)))
                    .serverStreaming(
                        FOLLOW,
                        key ->
                            switch (key) {
                              case "plain" -> Publishers.fromIterable(plain);
                              case "memory" -> memory.subscribe(key, ResumePosition.current());
                              default -> shared.subscribe(key, ResumePosition.current());
                            })
                    .build())
            .build()
            .start();
    try (RpcChannel channel =
        RpcChannel.connect(URI.create("ws://127.0.0.1:" + server.address().getPort() + "/rpc"))) {
      best(channel, "plain", 0, events, rounds); // warm-up: the JIT, the connection
      out.append(row("plain publisher", -1, best(channel, "plain", 0, events, rounds)));
      long start = memory.position("memory");
      double appends = appendRate(memory, "memory", events);
      out.append(row("InMemoryReplayLog", appends, best(channel, "memory", start, events, rounds)));
      if (shared != null) {
        long from = shared.position("redis");
        double redisAppends = appendRate(shared, "redis", events);
        out.append(
            row("RedisReplayLog", redisAppends, best(channel, "redis", from, events, rounds)));
      } else {
        out.append("| RedisReplayLog | no redis-server on the PATH | |\n");
      }
    } finally {
      server.shutdownNow();
      if (shared != null) {
        shared.close();
        client.shutdown();
      }
      if (redis != null) {
        redis.close();
      }
    }
    out.append(
        "\nAppends to Redis are one round trip each, made one after the other by one thread (each"
            + " waits for Redis's acknowledgement), so they measure latency more than capacity.\n");
    return out.toString();
  }

  private static String row(String name, double appends, double read) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %,.0f |%n",
        name,
        appends < 0 ? "—" : String.format(Locale.ROOT, "%,.0f", appends),
        read);
  }

  private static double appendRate(ReplayLog<String, String> log, String key, int events) {
    long t0 = System.nanoTime();
    for (int i = 0; i < events; i++) {
      log.append(key, p -> p + ":" + PAYLOAD);
    }
    return events / ((System.nanoTime() - t0) / 1e9);
  }

  private static double best(RpcChannel channel, String key, long after, int events, int rounds)
      throws InterruptedException {
    double best = 0;
    for (int r = 0; r < rounds; r++) {
      CountDownLatch done = new CountDownLatch(1);
      long t0 = System.nanoTime();
      var options = CallOptions.DEFAULT.withTimeout(Duration.ofMinutes(5));
      if (!key.equals("plain")) {
        options = options.withResumeAfter(after);
      }
      ClientCalls.serverStreaming(channel, FOLLOW, options, key)
          .subscribe(
              new Flow.Subscriber<String>() {
                private Flow.Subscription s;
                private int seen;

                @Override
                public void onSubscribe(Flow.Subscription s) {
                  this.s = s;
                  s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(String item) {
                  if (++seen == events) {
                    s.cancel();
                    done.countDown();
                  }
                }

                @Override
                public void onError(Throwable t) {
                  System.err.println(key + ": " + t);
                  done.countDown();
                }

                @Override
                public void onComplete() {
                  done.countDown();
                }
              });
      if (!done.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException(key + " did not finish");
      }
      best = Math.max(best, events / ((System.nanoTime() - t0) / 1e9));
    }
    return best;
  }
}
