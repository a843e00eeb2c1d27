package dev.typedrpc.sample.chat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How {@code chat server} keeps its rooms and serves its users: with {@code --redis URI} as a node
 * of a cluster sharing one Redis ({@link RedisChatStore}), otherwise alone with its history in a
 * data directory ({@code --data DIR}, default {@link #defaultDataDir}; {@link SqliteChatStore});
 * {@code --keep N} events kept per room (default {@value #DEFAULT_KEEP}); {@code --post-rate N}
 * posts a user may make a second (default {@value ChatServerSetup#POSTS_PER_SECOND}); {@code
 * --keep-alive SECONDS} pings a connection silent for that long and drops it if no answer comes
 * within as long again (default: the library's, two hours).
 */
record ChatNodeOptions(String redis, Path data, int keep, int postsPerSecond, Duration keepAlive) {
  /** Events kept per room by default. */
  static final int DEFAULT_KEEP = 1000;

  /** The server options these are read from. */
  static final java.util.Set<String> NAMES =
      java.util.Set.of("redis", "data", "keep", "post-rate", "keep-alive");

  ChatNodeOptions {
    if (keep < 1) {
      throw new IllegalArgumentException("--keep must be at least 1, got " + keep);
    }
    if (postsPerSecond < 1) {
      throw new IllegalArgumentException("--post-rate must be at least 1, got " + postsPerSecond);
    }
    if (redis != null && data != null) {
      throw new IllegalArgumentException(
          "--redis and --data do not go together: a cluster keeps its rooms in Redis");
    }
  }

  /** In memory only, as a server started from code is by default. */
  static ChatNodeOptions inMemory() {
    return new ChatNodeOptions(null, null, Room.HISTORY, ChatServerSetup.POSTS_PER_SECOND, null);
  }

  /** The options of {@code chat server} listening on {@code port}. */
  static ChatNodeOptions from(Map<String, String> options, int port) {
    String redis = options.get("redis");
    if (redis != null && !(redis.startsWith("redis://") || redis.startsWith("rediss://"))) {
      throw new IllegalArgumentException("--redis takes an address like redis://127.0.0.1:6379");
    }
    Path data =
        redis != null
            ? null
            : options.containsKey("data") ? Path.of(options.get("data")) : defaultDataDir(port);
    if (redis != null && options.containsKey("data")) {
      data = Path.of(options.get("data")); // refused by the constructor, with the reason
    }
    Duration keepAlive =
        options.containsKey("keep-alive")
            ? Duration.ofSeconds(Long.parseLong(options.get("keep-alive")))
            : null;
    if (keepAlive != null && (keepAlive.isNegative() || keepAlive.isZero())) {
      throw new IllegalArgumentException("--keep-alive takes a number of seconds, at least 1");
    }
    return new ChatNodeOptions(
        redis,
        data,
        Integer.parseInt(options.getOrDefault("keep", Integer.toString(DEFAULT_KEEP))),
        Integer.parseInt(
            options.getOrDefault("post-rate", Integer.toString(ChatServerSetup.POSTS_PER_SECOND))),
        keepAlive);
  }

  /**
   * {@code ~/.typedrpc-chat/<port>}: one directory per port, so that two single servers on one
   * machine keep separate histories.
   */
  static Path defaultDataDir(int port) {
    return Path.of(System.getProperty("user.home"), ".typedrpc-chat", Integer.toString(port));
  }

  /** Opens the store these options name. */
  ChatStore openStore() throws IOException {
    if (redis != null) {
      return RedisChatStore.connect(redis, keep);
    }
    if (data != null) {
      return SqliteChatStore.open(data, keep);
    }
    return new MemoryChatStore(keep);
  }
}
