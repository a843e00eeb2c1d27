package dev.typedrpc.spi;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a server admits: connections in total and per client address, Server-Sent Events sessions,
 * and the bytes the kernel holds for a connection. Clients ignore these. {@code docs/LIMITS.md}
 * ("Transports") lists the defaults and what a peer sees; the handshake of every server connection
 * is bounded by {@link TransportSettings#connectTimeout()}.
 *
 * <p>A server behind a proxy or load balancer that terminates TCP sees every connection come from
 * the proxy's address: raise {@code maxConnectionsPerAddress} (and {@code
 * sseMaxSessionsPerAddress}) to the total there.
 *
 * @param maxConnections most connections open at once on one server, of every protocol on its port
 *     (WebSocket, SSE event streams and POST connections, HTTP/2). The next is refused: an HTTP/1.1
 *     request is answered {@code 503} naming the limit, an HTTP/2 connection is sent {@code GOAWAY
 *     REFUSED_STREAM} naming it; then the connection is closed
 * @param maxConnectionsPerAddress most connections open at once from one client IP address; the
 *     next is refused as above
 * @param sseMaxSessions most SSE sessions open at once on one server; the next {@code GET
 *     <path>/sse} is answered {@code 503}
 * @param sseMaxSessionsPerAddress most SSE sessions open at once from one client IP address
 * @param ssePostIdleTimeout how long an SSE session's POST connection may stay idle between POSTs
 *     before the server closes it (its client opens a new one for its next POST)
 * @param sseKeepAliveInterval how often an SSE event stream gets a comment line, so that proxies do
 *     not close it as idle
 * @param maxUnsentSocketBytes most bytes the kernel holds for one connection that it has not sent
 *     yet (Linux's {@code TCP_NOTSENT_LOWAT} with the native transport; elsewhere the socket's send
 *     buffer, {@code SO_SNDBUF}, is set to it). Without it the kernel keeps growing a connection's
 *     send buffer (to 4 MiB on Linux) while its peer reads nothing, so the server would only see
 *     such a peer stall, and close it after {@link TransportSettings#outboundStallTimeout()}, once
 *     megabytes had gone into the kernel
 * @param allowedOrigins the web origins ({@code https://app.example.com}: scheme, host and a port
 *     other than the scheme's default, as browsers send them in the {@code Origin} header) whose
 *     pages may open a WebSocket or SSE connection or make Connect and gRPC-Web calls (their CORS
 *     policy, {@code docs/WEB.md}); a request with another {@code Origin} is answered {@code 403}
 *     before any upgrade or call (cross-site WebSocket hijacking). Requests without {@code Origin}
 *     (clients that are not browsers) are always admitted. Empty: every origin is admitted (the
 *     default)
 */
public record ServerLimits(
    int maxConnections,
    int maxConnectionsPerAddress,
    int sseMaxSessions,
    int sseMaxSessionsPerAddress,
    Duration ssePostIdleTimeout,
    Duration sseKeepAliveInterval,
    long maxUnsentSocketBytes,
    Set<String> allowedOrigins) {

  /** Default {@link #maxUnsentSocketBytes}: 128 KiB. */
  public static final long DEFAULT_MAX_UNSENT_SOCKET_BYTES = 128 << 10;

  /**
   * 20,000 connections, 5,000 per address; 10,000 SSE sessions, 100 per address; SSE POST
   * connections idle for 60 s closed; an SSE comment every 15 s; 128 KiB unsent in the kernel.
   */
  public static final ServerLimits DEFAULT =
      new ServerLimits(
          20_000,
          5_000,
          10_000,
          100,
          Duration.ofSeconds(60),
          Duration.ofSeconds(15),
          DEFAULT_MAX_UNSENT_SOCKET_BYTES,
          Set.of());

  /** The limits with the default bound on unsent bytes and every origin admitted. */
  public ServerLimits(
      int maxConnections,
      int maxConnectionsPerAddress,
      int sseMaxSessions,
      int sseMaxSessionsPerAddress,
      Duration ssePostIdleTimeout,
      Duration sseKeepAliveInterval) {
    this(
        maxConnections,
        maxConnectionsPerAddress,
        sseMaxSessions,
        sseMaxSessionsPerAddress,
        ssePostIdleTimeout,
        sseKeepAliveInterval,
        DEFAULT_MAX_UNSENT_SOCKET_BYTES,
        Set.of());
  }

  public ServerLimits {
    if (maxConnections < 1 || maxConnectionsPerAddress < 1) {
      throw new IllegalArgumentException(
          "maxConnections and maxConnectionsPerAddress must be at least 1, were "
              + maxConnections
              + " and "
              + maxConnectionsPerAddress);
    }
    if (sseMaxSessions < 1 || sseMaxSessionsPerAddress < 1) {
      throw new IllegalArgumentException(
          "sseMaxSessions and sseMaxSessionsPerAddress must be at least 1, were "
              + sseMaxSessions
              + " and "
              + sseMaxSessionsPerAddress);
    }
    requirePositive("ssePostIdleTimeout", ssePostIdleTimeout);
    requirePositive("sseKeepAliveInterval", sseKeepAliveInterval);
    if (maxUnsentSocketBytes < 4096 || maxUnsentSocketBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "maxUnsentSocketBytes must be between 4096 and 2^31-1, was " + maxUnsentSocketBytes);
    }
    allowedOrigins = normalize(allowedOrigins);
  }

  private static Set<String> normalize(Set<String> origins) {
    if (origins == null) {
      throw new IllegalArgumentException("allowedOrigins is required (empty admits every origin)");
    }
    Set<String> out = new LinkedHashSet<>();
    for (String o : origins) {
      if (o == null || o.isBlank() || o.endsWith("/") || !o.contains("://")) {
        throw new IllegalArgumentException(
            "an allowed origin is scheme://host[:port] without a path, like https://app.example.com,"
                + " was '"
                + o
                + "'");
      }
      out.add(o.toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableSet(out);
  }

  /**
   * Whether a request whose {@code Origin} header is {@code origin} (null: none) may open a
   * WebSocket or SSE connection.
   */
  public boolean admitsOrigin(String origin) {
    return origin == null
        || allowedOrigins.isEmpty()
        || allowedOrigins.contains(origin.toLowerCase(Locale.ROOT));
  }

  /**
   * These limits admitting WebSocket and SSE connections only from pages of {@code origins} (and
   * from clients that send no {@code Origin}); none: every origin.
   */
  public ServerLimits withAllowedOrigins(String... origins) {
    return new ServerLimits(
        maxConnections,
        maxConnectionsPerAddress,
        sseMaxSessions,
        sseMaxSessionsPerAddress,
        ssePostIdleTimeout,
        sseKeepAliveInterval,
        maxUnsentSocketBytes,
        new LinkedHashSet<>(Arrays.asList(origins)));
  }

  private static void requirePositive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  /**
   * These limits with at most {@code total} connections, and {@code perAddress} from one address.
   */
  public ServerLimits withMaxConnections(int total, int perAddress) {
    return new ServerLimits(
        total,
        perAddress,
        sseMaxSessions,
        sseMaxSessionsPerAddress,
        ssePostIdleTimeout,
        sseKeepAliveInterval,
        maxUnsentSocketBytes,
        allowedOrigins);
  }

  /**
   * These limits with at most {@code total} SSE sessions, and {@code perAddress} from one address.
   */
  public ServerLimits withSseMaxSessions(int total, int perAddress) {
    return new ServerLimits(
        maxConnections,
        maxConnectionsPerAddress,
        total,
        perAddress,
        ssePostIdleTimeout,
        sseKeepAliveInterval,
        maxUnsentSocketBytes,
        allowedOrigins);
  }

  public ServerLimits withSsePostIdleTimeout(Duration timeout) {
    return new ServerLimits(
        maxConnections,
        maxConnectionsPerAddress,
        sseMaxSessions,
        sseMaxSessionsPerAddress,
        timeout,
        sseKeepAliveInterval,
        maxUnsentSocketBytes,
        allowedOrigins);
  }

  public ServerLimits withSseKeepAliveInterval(Duration interval) {
    return new ServerLimits(
        maxConnections,
        maxConnectionsPerAddress,
        sseMaxSessions,
        sseMaxSessionsPerAddress,
        ssePostIdleTimeout,
        interval,
        maxUnsentSocketBytes,
        allowedOrigins);
  }

  /** These limits with at most {@code bytes} unsent in the kernel per connection. */
  public ServerLimits withMaxUnsentSocketBytes(long bytes) {
    return new ServerLimits(
        maxConnections,
        maxConnectionsPerAddress,
        sseMaxSessions,
        sseMaxSessionsPerAddress,
        ssePostIdleTimeout,
        sseKeepAliveInterval,
        bytes,
        allowedOrigins);
  }
}
