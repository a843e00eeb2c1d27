package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.netty.internal.tls.Tls;
import java.net.URI;
import java.util.Locale;

/**
 * A parsed gRPC server address: {@code h2c://host:port} (cleartext HTTP/2 with prior knowledge) or
 * {@code h2://host:port} (HTTP/2 over TLS, negotiated with ALPN {@code h2}). A path ({@code
 * h2c://host:port/rpc}) names a typedrpc server's endpoint: the client checks once per connection
 * that the server has it ({@code GET <path>}), as the WebSocket and SSE transports find a wrong
 * path at connect; gRPC requests keep their {@code /service/Method} paths.
 *
 * @param host the host as written in the URI
 * @param port the TCP port; 80 ({@code h2c}) or 443 ({@code h2}) when the URI has none
 * @param gzip whether requests are gzip-compressed ({@code ?grpc-compression=gzip})
 * @param tls the TLS settings of an {@code h2://} address; null for {@code h2c://}
 * @param path the typedrpc endpoint path to check at connect, or null (no path, or {@code /}): any
 *     gRPC server
 */
public record H2cTarget(String host, int port, boolean gzip, Tls.Client tls, String path) {
  public static final String SCHEME = "h2c";
  public static final String TLS_SCHEME = "h2";

  /**
   * Parses an address whose query was already read.
   *
   * @param uri the address without its query
   */
  public static H2cTarget parse(URI uri, boolean gzip, Tls.Client tls) {
    String scheme =
        uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String expected = tls == null ? SCHEME : TLS_SCHEME;
    if (!scheme.equals(expected) || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "expected "
              + expected
              + "://host:port (gRPC over "
              + (tls == null ? "cleartext HTTP/2" : "HTTP/2 over TLS")
              + "), got "
              + uri);
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("a " + expected + ":// address takes no fragment: " + uri);
    }
    String path = uri.getRawPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      path = null;
    }
    int defaultPort = tls == null ? 80 : 443;
    return new H2cTarget(
        uri.getHost(), uri.getPort() == -1 ? defaultPort : uri.getPort(), gzip, tls, path);
  }

  String authority() {
    return host + ":" + port;
  }
}
