package dev.typedrpc;

import java.time.Duration;
import java.util.Objects;

/**
 * How a channel spreads its calls over the servers of its target: the addresses the target lists
 * ({@code ws://host1:7070,host2:7071/rpc}) and every address each host name resolves to. Set with
 * {@link ChannelOptions#withLoadBalancing}. Immutable. See docs/CLIENT.md, "Load balancing".
 *
 * @param policy which servers get the calls
 * @param healthChecks whether the channel watches each server's standard health service ({@code
 *     grpc.health.v1.Health/Watch}, the whole server: service name {@code ""}) and sends no new
 *     calls to one that reports anything but {@code SERVING}; a server without the health service
 *     ({@code UNIMPLEMENTED}) counts as serving
 * @param resolver turns the target's host names into addresses
 * @param refreshInterval how often the host names are resolved again; they are also resolved again
 *     when a connection fails or is lost, at most once per {@link #MIN_RERESOLVE_GAP}
 */
public record LoadBalancing(
    Policy policy, boolean healthChecks, AddressResolver resolver, Duration refreshInterval) {

  /** The most addresses a channel connects to: further ones (listed or resolved) are ignored. */
  public static final int MAX_ADDRESSES = 64;

  /** The default {@link #refreshInterval()}. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(30);

  /** A failed or lost connection makes the channel resolve again at most this often. */
  public static final Duration MIN_RERESOLVE_GAP = Duration.ofSeconds(5);

  /** Which servers get the calls. */
  public enum Policy {
    /**
     * One connection, to the first address (in the target's order, then the resolver's) that
     * connects; when it fails, the next address is tried. All calls go to that server until its
     * connection is lost.
     */
    PICK_FIRST,
    /**
     * A connection to every address; calls are spread in turn over the ones that are ready (and
     * serving, with health checks).
     */
    ROUND_ROBIN
  }

  public LoadBalancing {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(resolver, "resolver");
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException(
          "refreshInterval must be positive, got " + refreshInterval);
    }
  }

  /** Pick-first, without health checks, with the JDK's resolver. */
  public static LoadBalancing pickFirst() {
    return new LoadBalancing(
        Policy.PICK_FIRST, false, AddressResolver.SYSTEM, DEFAULT_REFRESH_INTERVAL);
  }

  /** Round-robin, without health checks, with the JDK's resolver. */
  public static LoadBalancing roundRobin() {
    return new LoadBalancing(
        Policy.ROUND_ROBIN, false, AddressResolver.SYSTEM, DEFAULT_REFRESH_INTERVAL);
  }

  /** With the servers' health service watched (see {@link #healthChecks()}). */
  public LoadBalancing withHealthChecks(boolean enabled) {
    return new LoadBalancing(policy, enabled, resolver, refreshInterval);
  }

  /** With {@code resolver} turning host names into addresses (e.g. a test's fixed list). */
  public LoadBalancing withResolver(AddressResolver resolver) {
    return new LoadBalancing(policy, healthChecks, resolver, refreshInterval);
  }

  /** Resolving the host names again every {@code interval}. */
  public LoadBalancing withRefreshInterval(Duration interval) {
    return new LoadBalancing(policy, healthChecks, resolver, interval);
  }
}
