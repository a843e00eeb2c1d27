package dev.typedrpc.junit;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The transports the kit serves over: where the server listens and how a client reaches it. The
 * network transports share one server port on loopback, as in production.
 */
enum Transport {
  MEM("mem"),
  WS("ws"),
  H2C("h2c"),
  SSE("sse");

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(Transport.class);

  private final String scheme;

  Transport(String scheme) {
    this.scheme = scheme;
  }

  String scheme() {
    return scheme;
  }

  static Transport forScheme(String scheme) {
    for (Transport t : values()) {
      if (t.scheme.equals(scheme)) {
        return t;
      }
    }
    return null;
  }

  static List<String> schemes() {
    return Arrays.stream(values()).map(Transport::scheme).toList();
  }

  /** Where a server for this transport listens. */
  URI listenUri() {
    return this == MEM
        ? URI.create("mem:rpc-test-" + UUID.randomUUID())
        : URI.create("ws://127.0.0.1:0/rpc");
  }

  /** How a client reaches a server listening at {@code address} (with its real port). */
  URI clientUri(URI address) {
    return switch (this) {
      case MEM, WS -> address;
      case H2C -> URI.create("h2c://" + address.getRawAuthority());
      case SSE -> URI.create("sse://" + address.getRawAuthority() + address.getRawPath());
    };
  }

  /** Records the transport of an {@link OnEveryTransport} run, for the extension to find. */
  static void choose(ExtensionContext context, Transport transport) {
    context.getStore(NAMESPACE).put(Transport.class, transport);
  }

  /**
   * The transport of the {@link OnEveryTransport} run {@code context} belongs to, or null if it is
   * in none (or, on the class template itself, not yet in one).
   */
  static Transport chosen(ExtensionContext context) {
    return context.getStore(NAMESPACE).get(Transport.class, Transport.class);
  }
}
