package dev.typedrpc.spi;

import java.time.Duration;

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
 */
public record ServerLimits(
    int maxConnections,
    int maxConnectionsPerAddress,
    int sseMaxSessions,
    int sseMaxSessionsPerAddress,
    Duration ssePostIdleTimeout,
    Duration sseKeepAliveInterval,
    long maxUnsentSocketBytes) {

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
          DEFAULT_MAX_UNSENT_SOCKET_BYTES);

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
        maxUnsentSocketBytes);
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
        maxUnsentSocketBytes);
  }

  public ServerLimits withSsePostIdleTimeout(Duration timeout) {
    return new ServerLimits(
        maxConnections,
        maxConnectionsPerAddress,
        sseMaxSessions,
        sseMaxSessionsPerAddress,
        timeout,
        sseKeepAliveInterval,
        maxUnsentSocketBytes);
  }

  public ServerLimits withSseKeepAliveInterval(Duration interval) {
    return new ServerLimits(
        maxConnections,
        maxConnectionsPerAddress,
        sseMaxSessions,
        sseMaxSessionsPerAddress,
        ssePostIdleTimeout,
        interval,
        maxUnsentSocketBytes);
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
        bytes);
  }
}
