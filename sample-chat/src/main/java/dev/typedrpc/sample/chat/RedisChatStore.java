package dev.typedrpc.sample.chat;

import com.google.protobuf.CodedInputStream;
import dev.typedrpc.Status;
import dev.typedrpc.presence.Presence;
import dev.typedrpc.presence.PresenceOptions;
import dev.typedrpc.redis.RedisPresence;
import dev.typedrpc.redis.RedisReplayLog;
import dev.typedrpc.spi.MessageCodec;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ChatStore} shared by every chat server node that uses the same Redis: the rooms' events
 * in a {@link RedisReplayLog} (Redis Streams, the last {@code keep} or a few more per room), so an
 * event appended on one node reaches the subscribers of every node and a subscription resumes on
 * any node; the history read from the same streams (so a user joining on one node sees what was
 * posted on another, up to the position their {@link Welcome} carries); presence in {@link
 * RedisPresence} (members expire when their node stops refreshing them). Keys under {@code
 * typedrpc-chat:}.
 *
 * <p>The store's Lettuce client fails commands at once while Redis is unreachable (nothing queues)
 * and reconnects every {@link #RECONNECT_DELAY}. Thread-safe.
 */
final class RedisChatStore implements ChatStore {
  /** The prefix of the room streams' keys. */
  static final String ROOMS = "typedrpc-chat:rooms";

  /** The prefix of the presence keys. */
  static final String PRESENCE = "typedrpc-chat:presence";

  /** How often a lost connection to Redis is tried again. */
  static final Duration RECONNECT_DELAY = Duration.ofMillis(200);

  private static final MessageCodec<RoomUpdate> CODEC =
      ChatServiceRpcCodecs.RoomUpdateCodec.INSTANCE;
  private static final int PAGE = 256;

  private final RedisClient client;
  private final RedisReplayLog<RoomUpdate> log;
  private final RedisPresence presence;
  private final StatefulRedisConnection<String, byte[]> reads;
  private final int keep;

  private RedisChatStore(RedisClient client, int keep) {
    this.client = client;
    this.keep = keep;
    RedisReplayLog<RoomUpdate> events = null;
    RedisPresence present = null;
    try {
      events = RedisReplayLog.builder(CODEC).prefix(ROOMS).window(keep).build(client);
      present = RedisPresence.create(client, PresenceOptions.DEFAULT, PRESENCE);
      reads = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
      reads.setTimeout(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      if (present != null) {
        present.close();
      }
      if (events != null) {
        events.close();
      }
      throw e;
    }
    this.log = events;
    this.presence = present;
  }

  /**
   * Connects to the Redis at {@code uri} (e.g. {@code redis://127.0.0.1:6379}), keeping about the
   * last {@code keep} events per room.
   *
   * @throws IOException if Redis cannot be reached now
   */
  static RedisChatStore connect(String uri, int keep) throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least 1 event per room, not " + keep);
    }
    RedisClient client =
        RedisClient.create(
            ClientResources.builder().reconnectDelay(Delay.constant(RECONNECT_DELAY)).build(), uri);
    client.setOptions(
        ClientOptions.builder()
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(10_000)
            .build());
    try {
      return new RedisChatStore(client, keep);
    } catch (RedisException e) {
      shutdown(client);
      throw new IOException("cannot reach Redis at " + uri + ": " + e.getMessage(), e);
    }
  }

  @Override
  public RedisReplayLog<RoomUpdate> log() {
    return log;
  }

  @Override
  public List<ChatMessage> history(String room, long upTo, int limit) {
    List<ChatMessage> messages = new ArrayList<>();
    String key = ROOMS + ":{" + room + "}:events";
    String upper = upTo == Long.MAX_VALUE ? "+" : upTo + "-0";
    try {
      // newest first, a page at a time, as far back as the stream goes (about keep events)
      for (int read = 0; messages.size() < limit && read < keep + PAGE; read += PAGE) {
        List<StreamMessage<String, byte[]>> page =
            reads.sync().xrevrange(key, Range.create("-", upper), Limit.from(PAGE));
        for (StreamMessage<String, byte[]> entry : page) {
          if (messages.size() < limit
              && decode(entry.getBody().get("e")).event() instanceof RoomEvent.MessagePosted p) {
            messages.add(p.message());
          }
        }
        if (page.size() < PAGE) {
          break;
        }
        String oldest = page.get(page.size() - 1).getId(); // <position>-0
        upper = (Long.parseLong(oldest.substring(0, oldest.indexOf('-'))) - 1) + "-0";
      }
    } catch (RedisException e) {
      throw Status.UNAVAILABLE
          .withDescription("Redis did not answer for the history of " + room + ": " + e)
          .withCause(e)
          .asException();
    }
    Collections.reverse(messages);
    return List.copyOf(messages);
  }

  private static RoomUpdate decode(byte[] bytes) {
    if (bytes == null) {
      throw Status.DATA_LOSS.withDescription("a room event without its content").asException();
    }
    try {
      return CODEC.decode(CodedInputStream.newInstance(bytes), 0);
    } catch (IOException e) {
      throw Status.DATA_LOSS
          .withDescription("a room event that does not decode: " + e)
          .asException();
    }
  }

  @Override
  public Presence presence() {
    return presence;
  }

  @Override
  public void close() {
    presence.close();
    log.close();
    reads.close();
    shutdown(client);
  }

  private static void shutdown(RedisClient client) {
    client.shutdown(0, 10, TimeUnit.SECONDS);
    var unused = client.getResources().shutdown(0, 10, TimeUnit.SECONDS);
  }
}
