package dev.typedrpc.redis;

import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.presence.Member;
import dev.typedrpc.presence.Presence;
import dev.typedrpc.presence.PresenceEvent;
import dev.typedrpc.presence.PresenceHandle;
import dev.typedrpc.presence.PresenceOptions;
import dev.typedrpc.presence.internal.AbstractHandle;
import dev.typedrpc.presence.internal.Topics;
import dev.typedrpc.presence.internal.Watcher;
import dev.typedrpc.redis.internal.MemberJson;
import dev.typedrpc.redis.internal.PresenceKeys;
import dev.typedrpc.redis.internal.PresenceScripts;
import dev.typedrpc.redis.internal.RemoteTopic;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence shared by every node that uses one Redis: members live in Redis with an expiry each node
 * refreshes for the members joined on it, and changes reach every node's watchers through Redis
 * pub/sub. A node that dies stops refreshing: its members expire after the TTL and watchers
 * everywhere see them leave. A node cut off from Redis re-adds its members and resyncs its watchers
 * when it is back. Keys, semantics and failure cases: {@code docs/PRESENCE.md}.
 *
 * <p>It opens two connections with the given client (commands, pub/sub) and closes them on {@link
 * #close()}; the client stays the caller's. Thread-safe.
 *
 * <pre>{@code
 * RedisClient redis = RedisClient.create("redis://127.0.0.1:6379");
 * Presence presence = RedisPresence.create(redis, PresenceOptions.DEFAULT);
 * }</pre>
 */
public final class RedisPresence implements Presence {
  /** The key prefix of {@link #create(RedisClient, PresenceOptions)}. */
  public static final String DEFAULT_PREFIX = "typedrpc:presence";

  /** How long {@code join} waits for Redis before failing with {@code UNAVAILABLE}. */
  public static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(RedisPresence.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final PresenceOptions options;
  private final String prefix;
  private final String ttlMillis;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisAsyncCommands<String, String> redis;
  private final StatefulRedisPubSubConnection<String, String> pubsub;
  private final ScheduledExecutorService timer;
  private final Map<String, RemoteTopic> watched = new HashMap<>(); // guarded by this
  private final Map<String, Map<String, Handle>> local = new HashMap<>(); // guarded by this
  private int watchers; // guarded by this
  private boolean closed; // guarded by this

  private RedisPresence(RedisClient client, PresenceOptions options, String prefix) {
    this.options = Objects.requireNonNull(options, "options");
    this.prefix = Objects.requireNonNull(prefix, "prefix");
    this.ttlMillis = Long.toString(options.ttl().toMillis());
    this.connection = client.connect();
    this.redis = connection.async();
    this.pubsub = client.connectPubSub();
    pubsub.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            onMessage(channel, message);
          }
        });
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "typedrpc-redis-presence");
              t.setDaemon(true);
              return t;
            });
    long every = options.refreshInterval().toNanos();
    var unused = timer.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.NANOSECONDS);
  }

  /** A presence keeping its keys under {@value #DEFAULT_PREFIX}. */
  public static RedisPresence create(RedisClient client, PresenceOptions options) {
    return create(client, options, DEFAULT_PREFIX);
  }

  /**
   * A presence keeping its keys under {@code prefix}: nodes that share presence use the same prefix
   * (and the same TTL); different prefixes are separate presences in one Redis.
   */
  public static RedisPresence create(RedisClient client, PresenceOptions options, String prefix) {
    Objects.requireNonNull(client, "client");
    return new RedisPresence(client, options, prefix);
  }

  // ------------------------------------------------------------------ members

  @Override
  public PresenceHandle join(String topic, Member member, RpcContext call) {
    Objects.requireNonNull(call, "call");
    Handle handle = add(topic, member, true);
    call.addCancelListener(handle::close);
    return handle;
  }

  @Override
  public PresenceHandle join(String topic, Member member) {
    return add(topic, member, false);
  }

  private Handle add(String topic, Member member, boolean callTied) {
    Topics.check(topic);
    Objects.requireNonNull(member, "member");
    synchronized (this) {
      checkOpen();
      if (!local.containsKey(topic) && local.size() >= options.maxTopics()) {
        throw tooMany(options.maxTopics() + " topics with members here, the most");
      }
    }
    Handle handle = new Handle(topic, member, callTied, PresenceKeys.of(prefix, topic));
    String result = await(handle.run(PresenceScripts.JOIN, true, true));
    if ("FULL".equals(result)) {
      throw tooMany(
          "topic " + topic + " has " + options.maxMembersPerTopic() + " members, the most");
    }
    Handle previous;
    synchronized (this) {
      previous =
          closed
              ? null
              : local.computeIfAbsent(topic, t -> new HashMap<>()).put(member.id(), handle);
    }
    if (handle.isActive() && !isOpen()) { // closed while joining: do not leave it behind
      handle.close();
      throw Status.UNAVAILABLE.withDescription("presence is closed").asException();
    }
    if (previous != null) {
      previous.supersede();
    }
    return handle;
  }

  private void forget(Handle handle) {
    synchronized (this) {
      Map<String, Handle> members = local.get(handle.topic());
      if (members != null && members.remove(handle.member().id(), handle) && members.isEmpty()) {
        local.remove(handle.topic());
      }
    }
  }

  /** A member joined here, with the token that proves it owns its record in Redis. */
  private final class Handle extends AbstractHandle {
    private final String token;
    private final PresenceKeys keys;

    Handle(String topic, Member member, boolean callTied, PresenceKeys keys) {
      super(topic, member, callTied);
      byte[] bytes = new byte[16];
      RANDOM.nextBytes(bytes);
      this.token = HexFormat.of().formatHex(bytes);
      this.keys = keys;
    }

    /** Runs a member script for this handle: id, token, then member JSON and limit if asked. */
    CompletableFuture<String> run(String script, boolean withMember, boolean withLimit) {
      List<String> args = new ArrayList<>(6);
      args.add(keys.channel());
      args.add(ttlMillis);
      args.add(member().id());
      args.add(token);
      if (withMember) {
        args.add(MemberJson.encode(member()));
      }
      if (withLimit) {
        args.add(Integer.toString(options.maxMembersPerTopic()));
      }
      try {
        return redis
            .<String>eval(script, ScriptOutputType.VALUE, keys.keys(), args.toArray(new String[0]))
            .toCompletableFuture();
      } catch (RuntimeException e) { // the connection is closed
        return CompletableFuture.failedFuture(e);
      }
    }

    @Override
    protected void onUpdate(Member member) {
      var unused = run(PresenceScripts.UPDATE, true, false).whenComplete(this::afterWrite);
    }

    @Override
    protected void onClose(Member member) {
      forget(this);
      var unused =
          run(PresenceScripts.LEAVE, false, false)
              .whenComplete(
                  (result, error) -> {
                    if (error != null) {
                      log.debug("leave of {} failed, left to expire: {}", this, error.toString());
                    }
                  });
    }

    /** Refreshes the member's expiry, adding it again if Redis lost it. */
    void refresh() {
      var unused = run(PresenceScripts.REFRESH, true, true).whenComplete(this::afterWrite);
    }

    private void afterWrite(String result, Throwable error) {
      if (error != null) {
        log.debug("presence write for {} failed: {}", this, error.toString());
      } else if ("GONE".equals(result)) {
        supersede(); // another handle, maybe on another node, took the member over
        forget(this);
      } else if ("FULL".equals(result)) {
        log.warn("{} could not be added back: its topic is full", this);
      }
    }
  }

  // ------------------------------------------------------------------ watchers

  @Override
  public Flow.Publisher<PresenceEvent> watch(String topic) {
    Topics.check(topic);
    return subscriber -> subscribe(topic, subscriber);
  }

  private void subscribe(String topic, Flow.Subscriber<? super PresenceEvent> subscriber) {
    Watcher watcher;
    RuntimeException refused = null;
    RemoteTopic created = null;
    synchronized (this) {
      RemoteTopic remote = watched.get(topic);
      if (closed) {
        refused = Status.UNAVAILABLE.withDescription("presence is closed").asException();
      } else if (watchers >= options.maxWatchers()) {
        refused = tooMany(options.maxWatchers() + " watchers, the most");
      } else if (remote == null && watched.size() >= options.maxTopics()) {
        refused = tooMany(options.maxTopics() + " watched topics, the most");
      } else if (remote == null) {
        remote = new RemoteTopic(topic, PresenceKeys.of(prefix, topic));
        watched.put(topic, remote);
        created = remote;
      }
      if (refused != null) {
        watcher = new Watcher(subscriber, 1, () -> {});
      } else {
        RemoteTopic r = remote;
        Watcher[] self = new Watcher[1];
        watcher = new Watcher(subscriber, options.watcherBuffer(), () -> remove(r, self[0]));
        self[0] = watcher;
        watchers++;
        remote.view().addWatcher(watcher);
      }
    }
    watcher.start();
    if (refused != null) {
      watcher.finish(refused);
    }
    if (created != null) {
      subscribe(created);
    }
  }

  /** Subscribes to a topic's channel, then fetches its snapshot. */
  private void subscribe(RemoteTopic topic) {
    var unused =
        pubsub
            .async()
            .subscribe(topic.keys().channel())
            .toCompletableFuture()
            .whenComplete(
                (ok, error) -> {
                  if (error != null) {
                    log.debug(
                        "subscribing to {} failed: {}", topic.keys().channel(), error.toString());
                  } else {
                    topic.subscribed(true);
                    resync(topic);
                  }
                });
  }

  private void remove(RemoteTopic topic, Watcher watcher) {
    synchronized (this) {
      if (!topic.view().removeWatcher(watcher)) {
        return;
      }
      watchers--;
      if (topic.view().watcherCount() > 0 || watched.get(topic.view().topic()) != topic) {
        return;
      }
      watched.remove(topic.view().topic());
    }
    var unused = pubsub.async().unsubscribe(topic.keys().channel());
  }

  private void resync(RemoteTopic topic) {
    if (!topic.startSync()) {
      return;
    }
    var unused =
        redis
            .<List<Object>>eval(
                PresenceScripts.SNAPSHOT,
                ScriptOutputType.MULTI,
                topic.keys().keys(),
                topic.keys().channel(),
                ttlMillis)
            .toCompletableFuture()
            .whenComplete(
                (reply, error) -> {
                  if (error != null) {
                    log.debug("snapshot of {} failed: {}", topic.view().topic(), error.toString());
                    topic.syncFailed(); // the next sweep tries again
                    return;
                  }
                  long seq = Long.parseLong((String) reply.get(0));
                  List<Member> members = new ArrayList<>(reply.size() - 1);
                  for (Object json : reply.subList(1, reply.size())) {
                    Member m = decode((String) json);
                    if (m != null) {
                      members.add(m);
                    }
                  }
                  boolean again = topic.onSnapshot(seq, members);
                  topic.deliver();
                  if (again) {
                    resync(topic);
                  }
                });
  }

  private void onMessage(String channel, String message) {
    String topicName = PresenceKeys.topicOf(prefix, channel);
    RemoteTopic topic;
    synchronized (this) {
      topic = topicName == null ? null : watched.get(topicName);
    }
    if (topic == null) {
      return;
    }
    RemoteTopic.Event event = parse(message);
    if (event == null) {
      return;
    }
    boolean resync = topic.onEvent(event);
    topic.deliver();
    if (resync) {
      resync(topic);
    }
  }

  /** {@code KIND|seq|member JSON}, or null (logged) if it is not that. */
  private static RemoteTopic.Event parse(String message) {
    int bar = message.indexOf('|');
    int bar2 = bar < 0 ? -1 : message.indexOf('|', bar + 1);
    try {
      if (bar2 < 0) {
        throw new IllegalArgumentException("no kind and number");
      }
      PresenceEvent.Kind kind = PresenceEvent.Kind.valueOf(message.substring(0, bar));
      if (kind == PresenceEvent.Kind.SNAPSHOT) {
        throw new IllegalArgumentException("a snapshot is no event");
      }
      long seq = Long.parseLong(message.substring(bar + 1, bar2));
      return new RemoteTopic.Event(kind, seq, MemberJson.decode(message.substring(bar2 + 1)));
    } catch (IllegalArgumentException e) {
      log.warn("ignoring a presence event that is not one: {}", e.getMessage());
      return null;
    }
  }

  private static Member decode(String json) {
    try {
      return MemberJson.decode(json);
    } catch (IllegalArgumentException e) {
      log.warn("ignoring a presence record that is not one: {}", e.getMessage());
      return null;
    }
  }

  // ------------------------------------------------------------------ refresh and sweep

  /**
   * Every third of the TTL: refreshes the members joined here (re-adding those Redis lost), lets
   * those whose heartbeats stopped leave, sweeps the watched topics' expired members and checks
   * each watched view against Redis.
   */
  private void refresh() {
    try {
      List<Handle> handles = new ArrayList<>();
      List<RemoteTopic> topics;
      synchronized (this) {
        if (closed) {
          return;
        }
        local.values().forEach(m -> handles.addAll(m.values()));
        topics = new ArrayList<>(watched.values());
      }
      long now = System.nanoTime();
      long ttl = options.ttl().toNanos();
      for (Handle h : handles) {
        if (h.isExpired(now, ttl)) {
          h.close();
        } else {
          h.refresh();
        }
      }
      for (RemoteTopic t : topics) {
        if (!t.isSubscribed()) {
          subscribe(t);
          continue;
        }
        var unused =
            redis
                .<String>eval(
                    PresenceScripts.SWEEP,
                    ScriptOutputType.VALUE,
                    t.keys().keys(),
                    t.keys().channel(),
                    ttlMillis)
                .toCompletableFuture()
                .whenComplete(
                    (seq, error) -> {
                      if (error == null && t.onSwept(Long.parseLong(seq))) {
                        resync(t);
                      }
                    });
      }
    } catch (RuntimeException e) {
      log.warn("presence refresh failed", e);
    }
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Stops: the members joined here leave (waiting up to {@link #JOIN_TIMEOUT} for Redis), watchers
   * complete, and the two connections close.
   */
  @Override
  public void close() {
    List<Handle> handles = new ArrayList<>();
    List<RemoteTopic> topics;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      local.values().forEach(m -> handles.addAll(m.values()));
      topics = new ArrayList<>(watched.values());
      watched.clear();
      watchers = 0;
    }
    timer.shutdownNow();
    for (RemoteTopic t : topics) {
      t.view().finishAll(null);
    }
    try {
      List<CompletableFuture<String>> leaves = new ArrayList<>();
      for (Handle h : handles) {
        h.supersede();
        leaves.add(h.run(PresenceScripts.LEAVE, false, false));
      }
      CompletableFuture.allOf(leaves.toArray(new CompletableFuture<?>[0]))
          .get(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      log.debug("members left to expire: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      pubsub.close();
      connection.close();
    } catch (RuntimeException e) {
      log.debug("closing the Redis connections failed (the client was shut down?)", e);
    }
  }

  private synchronized boolean isOpen() {
    return !closed;
  }

  private void checkOpen() {
    if (closed) {
      throw Status.UNAVAILABLE.withDescription("presence is closed").asException();
    }
  }

  private static RpcException tooMany(String description) {
    return Status.RESOURCE_EXHAUSTED.withDescription(description).asException();
  }

  private static String await(CompletableFuture<String> reply) {
    try {
      return reply.get(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw Status.UNAVAILABLE
          .withDescription("presence store unreachable: " + e.getCause())
          .withCause(e.getCause())
          .asException();
    } catch (TimeoutException e) {
      reply.cancel(false);
      throw Status.UNAVAILABLE
          .withDescription("presence store did not answer within " + JOIN_TIMEOUT)
          .asException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asException();
    }
  }
}
