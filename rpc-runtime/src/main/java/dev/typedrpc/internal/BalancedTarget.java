package dev.typedrpc.internal;

import dev.typedrpc.ChannelOptions;
import dev.typedrpc.LoadBalancing;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A target whose calls are balanced: its scheme, path and the {@code host:port} entries of its
 * authority ({@code ws://host1:7070,host2:7071/rpc}), and whether its host names are resolved to
 * addresses by the channel (plaintext network schemes) or left to the transport (TLS, which checks
 * the name, and schemes that are not host names, such as {@code mem}). Immutable.
 *
 * @param scheme the target's scheme
 * @param entries the listed hosts, in order, at most {@link LoadBalancing#MAX_ADDRESSES}
 * @param rest what follows the authority in every address's URI: path and query, raw
 * @param resolved whether host names are resolved by the channel's {@link
 *     dev.typedrpc.AddressResolver}
 */
record BalancedTarget(String scheme, List<Entry> entries, String rest, boolean resolved) {
  /** Schemes whose host names the channel may resolve itself: plaintext, no name to verify. */
  private static final Set<String> RESOLVED_SCHEMES =
      Set.of("ws", "sse", "h2c", ChannelImpl.NEGOTIATE_SCHEME);

  private static final Set<String> TLS_SCHEMES = Set.of("wss", "sses", "h2");

  /** One {@code host:port} of the target; port -1 if none was given. */
  record Entry(String host, int port) {}

  /**
   * The target's balancing, or null for a target of one address without {@link
   * ChannelOptions#loadBalancing()}: it connects as it always did.
   *
   * @throws IllegalArgumentException for a malformed list of addresses, saying what is wrong
   */
  static BalancedTarget parse(URI target, ChannelOptions options) {
    String scheme = target.getScheme();
    String authority = target.getRawAuthority();
    if (scheme == null || authority == null) {
      return null; // not a network target: the transport judges it
    }
    String[] parts = authority.split(",", -1);
    if (parts.length == 1 && options.loadBalancing() == null) {
      return null;
    }
    if (parts.length > LoadBalancing.MAX_ADDRESSES) {
      throw new IllegalArgumentException(
          target
              + " lists "
              + parts.length
              + " addresses; a channel takes at most "
              + LoadBalancing.MAX_ADDRESSES);
    }
    if (scheme.equalsIgnoreCase(ChannelImpl.NEGOTIATE_SCHEME)
        && (target.getRawQuery() != null || target.getRawFragment() != null)) {
      throw new IllegalArgumentException(
          "expected typedrpc://host:port,host:port/path, got "
              + target
              + ": a query or fragment belongs to one transport (use its scheme)");
    }
    String rest =
        (target.getRawPath() == null ? "" : target.getRawPath())
            + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
    List<Entry> entries = new ArrayList<>();
    for (String part : parts) {
      entries.add(entry(target, scheme, part));
    }
    boolean resolved =
        RESOLVED_SCHEMES.contains(scheme.toLowerCase(java.util.Locale.ROOT))
            && (!scheme.equalsIgnoreCase(ChannelImpl.NEGOTIATE_SCHEME)
                || options.transportOrder().stream().noneMatch(TLS_SCHEMES::contains));
    if (resolved) {
      for (Entry e : entries) {
        if (e.port() < 0) {
          throw new IllegalArgumentException(
              "expected host:port for every address of " + target + ", got " + e.host());
        }
      }
    }
    return new BalancedTarget(scheme, List.copyOf(entries), rest, resolved);
  }

  private static Entry entry(URI target, String scheme, String part) {
    URI one;
    try {
      one = new URI(scheme + "://" + part + "/");
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "cannot read address '" + part + "' of " + target + ": " + e.getMessage(), e);
    }
    if (part.isEmpty() || one.getHost() == null || one.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "expected host:port for every address of "
              + target
              + " (e.g. ws://host1:7070,host2:7071/rpc), got '"
              + part
              + "'");
    }
    return new Entry(one.getHost(), one.getPort());
  }

  /** The URI of one listed host, left to the transport to resolve. */
  URI uriOf(Entry entry) {
    return URI.create(
        scheme + "://" + entry.host() + (entry.port() < 0 ? "" : ":" + entry.port()) + rest);
  }

  /** The URI of one resolved address. */
  URI uriOf(InetSocketAddress address) {
    String host =
        address.isUnresolved() ? address.getHostString() : address.getAddress().getHostAddress();
    int zone = host.indexOf('%');
    if (zone >= 0) {
      host = host.substring(0, zone);
    }
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return URI.create(scheme + "://" + host + ":" + address.getPort() + rest);
  }
}
