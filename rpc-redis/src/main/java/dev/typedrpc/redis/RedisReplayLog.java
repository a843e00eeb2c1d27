package dev.typedrpc.redis;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.presence.internal.Topics;
import dev.typedrpc.redis.internal.ReplayScripts;
import dev.typedrpc.replay.ReplayLog;
import dev.typedrpc.spi.MessageCodec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ReplayLog} in Redis Streams, shared by every server node that uses the same Redis and
 * prefix: a subscriber that resumes on another node (its node died, a deploy, a load balancer's
 * choice) continues after its position there. One stream per key, trimmed to about {@link
 * Builder#window(int)} events (approximate {@code MAXLEN}: at least that many are kept); a key and
 * its stream expire after {@link Builder#keyTtl(Duration)} without an append (default one day).
 *
 * <p>Positions are the stream's entry ids ({@code <position>-0}), and the key's last position is
 * kept beside the stream; an append is one Lua script that adds the entry only if the last position
 * is still the one the event was made with, so every node gives out the same positions, one after
 * the other, without gaps. When two nodes append to one key at the same moment, one of them makes
 * its event again with the next position: {@code event} may be called more than once and must only
 * make the event. A key's positions start from Redis's clock (ms × 1000) when the key is new (or
 * lost), not from 1: hand out {@link #position} and subscribe after it.
 *
 * <p>Reading: a subscriber pages through the stream ({@code XRANGE}) as far as its demand goes,
 * then waits for live events, which one reader per log tails ({@code XREAD BLOCK} on a connection
 * of its own, for every key that has a caught-up subscriber here) and hands to the subscribers that
 * are caught up and have demand. A subscriber holds at most a page of events (256); one without
 * demand holds none and reads from Redis again when asked. At most {@link
 * Builder#maxSubscribers(int)} subscribers (default 10,000; beyond it a subscription fails with
 * {@code RESOURCE_EXHAUSTED}).
 *
 * <p>Failures: an append that Redis does not acknowledge within {@link Builder#timeout(Duration)}
 * fails with {@code UNAVAILABLE} (it may still have been written); a subscriber whose read fails
 * ends with {@code UNAVAILABLE} (a typedrpc client resumes, on this node or another); the reader
 * retries and resumes after the last entry it read. Redis keeps what it acknowledged only as well
 * as its persistence does; a Redis that comes back empty starts every key at a higher position, and
 * a subscriber after an older one fails with {@code DATA_LOSS}. See {@code docs/SCALING.md}.
 *
 * <p>Opens two connections with the client (commands, and the reader's) and closes them on {@link
 * #close()}; the client stays the caller's. Events are encoded with a {@link MessageCodec}, as on
 * the wire, at most {@link #MAX_EVENT_BYTES}. Keys are as {@link dev.typedrpc.presence.Presence}
 * topics (1 to 256 characters, no braces or control characters). Thread-safe.
 *
 * @param <E> the event type
 */
public final class RedisReplayLog<E> implements ReplayLog<String, E>, AutoCloseable {
  /** The largest encoded event appended or read. */
  public static final int MAX_EVENT_BYTES = 1 << 20;

  /** How many events a subscriber reads from Redis at once, and holds at most. */
  static final int PAGE = 256;

  private static final int MAX_ATTEMPTS = 100;
  private static final int STRIPES = 64;
  private static final Logger log = LoggerFactory.getLogger(RedisReplayLog.class);
  private static final RedisCodec<String, byte[]> CODEC =
      RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final MessageCodec<E> codec;
  private final String prefix;
  private final byte[] window;
  private final byte[] ttl;
  private final Duration timeout;
  private final int maxSubscribers;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final StreamTail<E> tail;
  private final AtomicInteger subscribers = new AtomicInteger();
  // a one-entry cache of the last position per stripe of keys, guarded by the stripe's lock
  private final Object[] locks = new Object[STRIPES];
  private final String[] cachedKeys = new String[STRIPES];
  private final long[] cachedPositions = new long[STRIPES];
  private volatile boolean closed;

  private RedisReplayLog(RedisClient client, Builder<E> b) {
    this.codec = b.codec;
    this.prefix = b.prefix;
    this.window = ascii(Integer.toString(b.window));
    this.ttl = ascii(Long.toString(b.keyTtl.toMillis()));
    this.timeout = b.timeout;
    this.maxSubscribers = b.maxSubscribers;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
    this.connection = client.connect(CODEC);
    this.tail = new StreamTail<>(this, client.connect(CODEC), connection);
    tail.start();
  }

  /** A builder of a log whose events {@code codec} encodes. */
  public static <E> Builder<E> builder(MessageCodec<E> codec) {
    return new Builder<>(codec);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Waits for Redis to acknowledge the event (up to {@link Builder#timeout(Duration)}).
   *
   * @throws RpcException {@code UNAVAILABLE} if Redis did not acknowledge it (it may still have
   *     been written), {@code ABORTED} if other nodes kept appending to the key first 100 times
   * @throws IllegalArgumentException for a key as {@link dev.typedrpc.presence.Presence} refuses,
   *     or an event that encodes to more than {@link #MAX_EVENT_BYTES}
   */
  @Override
  public E append(String key, LongFunction<? extends E> event) {
    Topics.check(key);
    Objects.requireNonNull(event, "event");
    int stripe = (key.hashCode() & 0x7fffffff) % STRIPES;
    synchronized (locks[stripe]) {
      long last = key.equals(cachedKeys[stripe]) ? cachedPositions[stripe] : position(key);
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        long position = last + 1;
        E made = Objects.requireNonNull(event.apply(position), "the event made for a position");
        byte[] bytes = encode(made);
        List<Object> reply =
            await(
                eval(
                    ReplayScripts.APPEND,
                    key,
                    ascii(Long.toString(last)),
                    ascii(Long.toString(position)),
                    bytes,
                    window,
                    ttl));
        long answered = number(reply.get(1));
        cachedKeys[stripe] = key;
        cachedPositions[stripe] = answered;
        if (number(reply.get(0)) == 1) {
          return made;
        }
        last = answered; // another node appended first
      }
    }
    throw Status.ABORTED
        .withDescription(
            "other nodes appended to " + key + " first " + MAX_ATTEMPTS + " times in a row")
        .asException();
  }

  /**
   * {@inheritDoc}
   *
   * @throws RpcException {@code UNAVAILABLE} if Redis did not answer
   */
  @Override
  public long position(String key) {
    Topics.check(key);
    return number(await(read(key, OptionalLong.empty(), 0)).get(0));
  }

  @Override
  public Flow.Publisher<E> subscribe(String key, OptionalLong after) {
    Topics.check(key);
    Objects.requireNonNull(after, "after");
    return subscriber -> {
      Objects.requireNonNull(subscriber, "subscriber");
      RpcException refused = null;
      if (closed) {
        refused = Status.UNAVAILABLE.withDescription("the replay log is closed").asException();
      } else if (subscribers.incrementAndGet() > maxSubscribers) {
        subscribers.decrementAndGet();
        refused =
            Status.RESOURCE_EXHAUSTED
                .withDescription(maxSubscribers + " subscribers, the most")
                .asException();
      }
      if (refused != null) {
        subscriber.onSubscribe(ReplaySubscription.NOTHING);
        subscriber.onError(refused);
        return;
      }
      ReplaySubscription<E> s = new ReplaySubscription<>(this, tail, key, subscriber, after);
      subscriber.onSubscribe(s);
      s.start();
    };
  }

  /** How many subscribers this node serves now. */
  public int subscriberCount() {
    return subscribers.get();
  }

  /** Stops the reader and closes the connections; subscribers fail with {@code UNAVAILABLE}. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    tail.close(Status.UNAVAILABLE.withDescription("the replay log was closed").asException());
    try {
      connection.close();
    } catch (RuntimeException e) {
      log.debug("closing the Redis connection failed (the client was shut down?)", e);
    }
  }

  // ---- for ReplaySubscription and StreamTail

  void released() {
    subscribers.decrementAndGet();
  }

  /**
   * The key's last position and up to {@code count} entries after {@code after} (none without a
   * position): the reply of {@link ReplayScripts#READ}.
   */
  CompletableFuture<List<Object>> read(String key, OptionalLong after, int count) {
    if (closed) {
      return CompletableFuture.failedFuture(
          Status.UNAVAILABLE.withDescription("the replay log was closed").asException());
    }
    return eval(
        ReplayScripts.READ,
        key,
        after.isPresent() ? ascii((after.getAsLong() + 1) + "-0") : new byte[0],
        ascii(Integer.toString(count)),
        ttl);
  }

  private CompletableFuture<List<Object>> eval(String script, String key, byte[]... args) {
    try {
      return connection
          .async()
          .<List<Object>>eval(script, ScriptOutputType.MULTI, keys(key), args)
          .toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private String[] keys(String key) {
    return new String[] {stream(key), prefix + ":{" + key + "}:position"};
  }

  String stream(String key) {
    return prefix + ":{" + key + "}:events";
  }

  /** The key of stream {@code name}, or null if it is not one of this log's. */
  String keyOf(String name) {
    String head = prefix + ":{";
    String end = "}:events";
    if (!name.startsWith(head) || !name.endsWith(end)) {
      return null;
    }
    return name.substring(head.length(), name.length() - end.length());
  }

  E decode(byte[] bytes) throws IOException {
    if (bytes == null) {
      throw new IOException("an entry without an event");
    }
    if (bytes.length > MAX_EVENT_BYTES) {
      throw new IOException(bytes.length + " bytes, more than " + MAX_EVENT_BYTES);
    }
    return codec.decode(CodedInputStream.newInstance(bytes), 0);
  }

  private byte[] encode(E event) {
    int size = codec.encodedSize(event);
    if (size > MAX_EVENT_BYTES) {
      throw new IllegalArgumentException(
          "an event of " + size + " bytes is more than " + MAX_EVENT_BYTES);
    }
    byte[] bytes = new byte[size];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      codec.encode(event, out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalArgumentException("event does not encode: " + e.getMessage(), e);
    }
    return bytes;
  }

  private <T> T await(CompletableFuture<T> reply) {
    try {
      return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unreachable(e.getCause());
    } catch (TimeoutException e) {
      reply.cancel(false);
      throw Status.UNAVAILABLE
          .withDescription("the replay log did not answer within " + timeout)
          .asException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asException();
    }
  }

  static RpcException unreachable(Throwable cause) {
    if (cause instanceof RpcException e) {
      return e;
    }
    return Status.UNAVAILABLE
        .withDescription("the replay log is unreachable: " + cause)
        .withCause(cause)
        .asException();
  }

  /** A number Redis answered (an integer, or a decimal string). */
  static long number(Object reply) {
    if (reply instanceof Long l) {
      return l;
    }
    if (reply instanceof byte[] b) {
      return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
    }
    throw new IllegalStateException("not a number: " + reply);
  }

  /** The position of a stream entry id ({@code <position>-0}). */
  static long entryPosition(Object id) {
    String s =
        id instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : String.valueOf(id);
    int dash = s.indexOf('-');
    return Long.parseLong(dash < 0 ? s : s.substring(0, dash));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Settings of a {@link RedisReplayLog}. */
  public static final class Builder<E> {
    private final MessageCodec<E> codec;
    private String prefix = "typedrpc:replay";
    private int window = 1024;
    private Duration keyTtl = Duration.ofDays(1);
    private Duration timeout = Duration.ofSeconds(10);
    private int maxSubscribers = 10_000;

    private Builder(MessageCodec<E> codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
    }

    /** The prefix of the Redis keys (default {@code typedrpc:replay}); every node uses the same. */
    public Builder<E> prefix(String prefix) {
      this.prefix = Objects.requireNonNull(prefix, "prefix");
      return this;
    }

    /** How many events are kept per key at least, 1 or more (default 1,024). */
    public Builder<E> window(int events) {
      if (events < 1) {
        throw new IllegalArgumentException("window must be at least 1, got " + events);
      }
      this.window = events;
      return this;
    }

    /** How long a key is kept after its last append (default one day). */
    public Builder<E> keyTtl(Duration ttl) {
      if (ttl.toMillis() < 1) {
        throw new IllegalArgumentException("keyTtl must be at least 1 ms, got " + ttl);
      }
      this.keyTtl = ttl;
      return this;
    }

    /** How long {@code append} and {@code position} wait for Redis (default 10 s). */
    public Builder<E> timeout(Duration timeout) {
      if (timeout.toMillis() < 1) {
        throw new IllegalArgumentException("timeout must be at least 1 ms, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** How many subscribers this node serves at most, at least 1 (default 10,000). */
    public Builder<E> maxSubscribers(int subscribers) {
      if (subscribers < 1) {
        throw new IllegalArgumentException("maxSubscribers must be at least 1, got " + subscribers);
      }
      this.maxSubscribers = subscribers;
      return this;
    }

    /** A log that opens its two connections with {@code client}. */
    public RedisReplayLog<E> build(RedisClient client) {
      Objects.requireNonNull(client, "client");
      return new RedisReplayLog<>(client, this);
    }
  }
}
