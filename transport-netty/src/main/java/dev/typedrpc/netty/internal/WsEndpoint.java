package dev.typedrpc.netty.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * A parsed {@code ws://host:port/path} (or {@code wss:}, {@code sse:}, {@code sses:}) address
 * without its query: where to connect or listen, and the endpoint path (SSE uses {@code
 * <path>/sse}).
 *
 * @param host the host as written in the URI (IPv6 literals keep their brackets)
 * @param port the TCP port; 80 (443 for {@code wss:} and {@code sses:}) when the URI has none; 0
 *     (servers only) picks a free one
 * @param path the endpoint path, {@code /rpc} when the URI has none
 */
public record WsEndpoint(String host, int port, String path) {

  static final String DEFAULT_PATH = "/rpc";

  private static final Set<String> SCHEMES = Set.of("ws", "wss", "sse", "sses");

  /**
   * Parses and validates an address; the message of the exception says what is wrong and what is
   * expected.
   */
  public static WsEndpoint parse(URI uri) {
    if (uri == null) {
      throw new IllegalArgumentException(
          "a ws:// address is required, e.g. ws://127.0.0.1:7070/rpc");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException(
          "transport-netty serves ws://, wss://, sse:// and sses:// addresses here, not " + uri);
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("expected " + scheme + "://host:port/path, got " + uri);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "a " + scheme + ":// address takes no query or fragment here: " + uri);
    }
    String path =
        uri.getRawPath() == null || uri.getRawPath().isEmpty() ? DEFAULT_PATH : uri.getRawPath();
    int defaultPort = scheme.equals("wss") || scheme.equals("sses") ? 443 : 80;
    return new WsEndpoint(uri.getHost(), uri.getPort() == -1 ? defaultPort : uri.getPort(), path);
  }

  /** The URI a client sends in its upgrade request: {@code ws:} or, over TLS, {@code wss:}. */
  public URI uri(boolean tls) {
    try {
      return new URI((tls ? "wss" : "ws") + "://" + host + ":" + port + path);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid ws:// address: " + this, e);
    }
  }

  /** {@code host:port}, for logs and {@code peer()} before a connection exists. */
  public String authority() {
    return host + ":" + port;
  }
}
