package dev.typedrpc.redis;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.typedrpc.Status;
import dev.typedrpc.presence.internal.Topics;
import dev.typedrpc.redis.internal.BoundedSubscription;
import dev.typedrpc.spi.MessageCodec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages broadcast between server nodes through Redis pub/sub: what one node {@linkplain #publish
 * publishes} on a topic, every node's {@linkplain #subscribe subscribers} of that topic receive, in
 * the order the node published it. Delivery is at most once: a node that is disconnected from Redis
 * misses what is published meanwhile (Redis pub/sub keeps nothing), so use it for live fan-out, not
 * for what must not be lost.
 *
 * <p>Bounded: a subscriber that falls more than {@code buffer} messages behind fails with {@code
 * RESOURCE_EXHAUSTED} (its client can resubscribe) rather than being buffered without bound;
 * messages are at most {@link #MAX_MESSAGE_BYTES}; at most {@code maxSubscribers} subscribers per
 * node. Messages are encoded with a {@link MessageCodec}, as on the wire. It opens two connections
 * with the client and closes them on {@link #close()}. Thread-safe.
 *
 * <p>Redis names: the channel of topic {@code T} is {@code <prefix>:{T}}.
 */
public final class RedisBroadcast<T> implements AutoCloseable {
  /** The largest encoded message published or delivered. */
  public static final int MAX_MESSAGE_BYTES = 1 << 20;

  private static final Logger log = LoggerFactory.getLogger(RedisBroadcast.class);
  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final MessageCodec<T> codec;
  private final String prefix;
  private final int buffer;
  private final int maxSubscribers;
  private final io.lettuce.core.api.StatefulRedisConnection<String, byte[]> connection;
  private final StatefulRedisPubSubConnection<String, byte[]> pubsub;
  private final Map<String, List<BoundedSubscription<T>>> topics = new HashMap<>(); // guarded
  private int subscribers; // guarded by this
  private boolean closed; // guarded by this

  private RedisBroadcast(
      RedisClient client, MessageCodec<T> codec, String prefix, int buffer, int maxSubscribers) {
    this.codec = Objects.requireNonNull(codec, "codec");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    if (buffer < 1 || maxSubscribers < 1) {
      throw new IllegalArgumentException("buffer and maxSubscribers must be positive");
    }
    this.buffer = buffer;
    this.maxSubscribers = maxSubscribers;
    this.connection = client.connect(CODEC);
    this.pubsub = client.connectPubSub(CODEC);
    pubsub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, byte[] message) {
            onMessage(channel, message);
          }
        });
  }

  /**
   * A broadcast of {@code codec}'s messages on channels under {@code prefix}, each subscriber
   * holding at most {@code buffer} messages, at most {@code maxSubscribers} subscribers here.
   */
  public static <T> RedisBroadcast<T> create(
      RedisClient client, MessageCodec<T> codec, String prefix, int buffer, int maxSubscribers) {
    Objects.requireNonNull(client, "client");
    return new RedisBroadcast<>(client, codec, prefix, buffer, maxSubscribers);
  }

  /**
   * Sends {@code message} to every node's subscribers of {@code topic}; completes with how many
   * Redis connections received it (this node's included if it subscribes), or fails if Redis could
   * not be reached.
   *
   * @throws IllegalArgumentException if the message encodes to more than {@link
   *     #MAX_MESSAGE_BYTES}, or for a topic as {@link dev.typedrpc.presence.Presence} refuses
   */
  public CompletableFuture<Long> publish(String topic, T message) {
    Topics.check(topic);
    byte[] bytes = encode(message);
    return connection.async().publish(channel(topic), bytes).toCompletableFuture();
  }

  /**
   * The messages published on {@code topic} by any node from the moment this node's subscription
   * reaches Redis, until cancelled or closed (which completes it).
   */
  public Flow.Publisher<T> subscribe(String topic) {
    Topics.check(topic);
    return subscriber -> subscribe(topic, subscriber);
  }

  private void subscribe(String topic, Flow.Subscriber<? super T> subscriber) {
    RuntimeException refused = null;
    boolean first = false;
    BoundedSubscription<T> subscription;
    synchronized (this) {
      if (closed) {
        refused = Status.UNAVAILABLE.withDescription("broadcast is closed").asException();
      } else if (subscribers >= maxSubscribers) {
        refused =
            Status.RESOURCE_EXHAUSTED
                .withDescription(maxSubscribers + " subscribers, the most")
                .asException();
      }
      if (refused != null) {
        subscription = new BoundedSubscription<>(subscriber, 1, () -> null, () -> {});
      } else {
        List<BoundedSubscription<T>> list = topics.computeIfAbsent(topic, t -> new ArrayList<>());
        first = list.isEmpty();
        List<BoundedSubscription<T>> self = new ArrayList<>(1);
        subscription =
            new BoundedSubscription<>(
                subscriber,
                buffer,
                () ->
                    Status.RESOURCE_EXHAUSTED
                        .withDescription(
                            "subscriber of " + topic + " fell " + buffer + " messages behind")
                        .asException(),
                () -> remove(topic, self.get(0)));
        self.add(subscription);
        list.add(subscription);
        subscribers++;
      }
    }
    subscription.start();
    if (refused != null) {
      subscription.finish(refused);
    } else if (first) {
      var unused =
          pubsub
              .async()
              .subscribe(channel(topic))
              .toCompletableFuture()
              .whenComplete(
                  (ok, error) -> {
                    if (error != null) {
                      log.debug("subscribing to {} failed: {}", topic, error.toString());
                      failAll(topic, Status.UNAVAILABLE.withCause(error).asException());
                    }
                  });
    }
  }

  private void failAll(String topic, Throwable error) {
    List<BoundedSubscription<T>> all;
    synchronized (this) {
      List<BoundedSubscription<T>> list = topics.get(topic);
      all = list == null ? List.of() : List.copyOf(list);
    }
    all.forEach(s -> s.finish(error));
  }

  private void remove(String topic, BoundedSubscription<T> subscription) {
    synchronized (this) {
      List<BoundedSubscription<T>> list = topics.get(topic);
      if (list == null || !list.remove(subscription)) {
        return;
      }
      subscribers--;
      if (!list.isEmpty()) {
        return;
      }
      topics.remove(topic);
      if (closed) {
        return;
      }
    }
    var unused = pubsub.async().unsubscribe(channel(topic));
  }

  private void onMessage(String channel, byte[] bytes) {
    if (!channel.startsWith(prefix + ":{") || !channel.endsWith("}")) {
      return;
    }
    String topic = channel.substring(prefix.length() + 2, channel.length() - 1);
    List<BoundedSubscription<T>> targets;
    synchronized (this) {
      List<BoundedSubscription<T>> list = topics.get(topic);
      if (list == null) {
        return;
      }
      targets = List.copyOf(list);
    }
    T message;
    try {
      if (bytes.length > MAX_MESSAGE_BYTES) {
        throw new IOException(bytes.length + " bytes, more than " + MAX_MESSAGE_BYTES);
      }
      message = codec.decode(CodedInputStream.newInstance(bytes), 0);
    } catch (IOException | RuntimeException e) {
      log.warn("dropping a message on {} that does not decode: {}", topic, e.toString());
      return;
    }
    for (BoundedSubscription<T> s : targets) {
      s.offer(message);
    }
  }

  private byte[] encode(T message) {
    Objects.requireNonNull(message, "message");
    int size = codec.encodedSize(message);
    if (size > MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException(
          "a message of " + size + " bytes is more than " + MAX_MESSAGE_BYTES);
    }
    byte[] bytes = new byte[size];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      codec.encode(message, out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalArgumentException("message does not encode: " + e.getMessage(), e);
    }
    return bytes;
  }

  private String channel(String topic) {
    return prefix + ":{" + topic + "}";
  }

  /** Completes every subscriber and closes the two connections. */
  @Override
  public void close() {
    List<BoundedSubscription<T>> all = new ArrayList<>();
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      topics.values().forEach(all::addAll);
    }
    all.forEach(s -> s.finish(null));
    try {
      pubsub.close();
      connection.close();
    } catch (RuntimeException e) {
      log.debug("closing the Redis connections failed (the client was shut down?)", e);
    }
  }
}
