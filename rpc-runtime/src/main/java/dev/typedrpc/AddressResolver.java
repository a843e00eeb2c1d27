package dev.typedrpc;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a host name of a channel's target into the addresses a {@linkplain LoadBalancing
 * load-balancing} channel connects to. Called off the caller's thread, never holding a lock of the
 * channel; it may block (DNS does). Implementations must be thread-safe.
 */
@FunctionalInterface
public interface AddressResolver {
  /**
   * The JDK's resolver ({@link InetAddress#getAllByName}): every A and AAAA record of the name, in
   * the order the system gives them (an IP literal is its own address, without a lookup). The JDK
   * caches answers for {@code networkaddress.cache.ttl} seconds (30 by default).
   */
  AddressResolver SYSTEM =
      (host, port) -> {
        List<InetSocketAddress> all = new ArrayList<>();
        for (InetAddress a : InetAddress.getAllByName(host)) {
          all.add(new InetSocketAddress(a, port));
        }
        return all;
      };

  /**
   * The addresses of {@code host}, in order of preference, each with {@code port} (or another port,
   * e.g. from a service registry); resolved ({@link InetSocketAddress#isUnresolved()} false).
   *
   * @throws UnknownHostException if the name is unknown; the channel keeps the addresses it had and
   *     tries again later
   */
  List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException;
}
