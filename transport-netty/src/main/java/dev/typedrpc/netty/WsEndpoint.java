package dev.typedrpc.netty;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A parsed {@code ws://host:port/path} (or {@code sse://host:port/path}) address: where to connect or listen, and
 * the endpoint path (SSE uses {@code <path>/sse}).
 *
 * @param host the host as written in the URI (IPv6 literals keep their brackets)
 * @param port the TCP port; 80 when the URI has none; 0 (servers only) picks a free one
 * @param path the endpoint path, {@code /rpc} when the URI has none
 */
record WsEndpoint(String host, int port, String path) {

  static final String DEFAULT_PATH = "/rpc";

  /** Parses and validates an address; the message of the exception says what is wrong and what is expected. */
  static WsEndpoint parse(URI uri) {
    if (uri == null) {
      throw new IllegalArgumentException("a ws:// address is required, e.g. ws://127.0.0.1:7070/rpc");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("wss")) {
      throw new IllegalArgumentException(
          "wss:// (WebSocket over TLS) is not supported by transport-netty yet: " + uri
              + ". Use ws:// (e.g. behind a TLS-terminating proxy).");
    }
    if (!scheme.equals("ws") && !scheme.equals("sse")) {
      throw new IllegalArgumentException("transport-netty serves ws:// and sse:// addresses, not " + uri);
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("expected ws://host:port/path, got " + uri);
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("a ws:// address takes no query or fragment: " + uri);
    }
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? DEFAULT_PATH : uri.getRawPath();
    return new WsEndpoint(uri.getHost(), uri.getPort() == -1 ? 80 : uri.getPort(), path);
  }

  /** The URI a client sends in its upgrade request. */
  URI uri() {
    try {
      return new URI("ws://" + host + ":" + port + path);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid ws:// address: " + this, e);
    }
  }

  /** {@code host:port}, for logs and {@code peer()} before a connection exists. */
  String authority() {
    return host + ":" + port;
  }
}
