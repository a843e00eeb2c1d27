package dev.typedrpc.netty;

import java.net.URI;
import java.util.Locale;

/**
 * A parsed {@code h2c://host:port} address: a gRPC server over cleartext HTTP/2 with prior knowledge.
 *
 * @param host the host as written in the URI
 * @param port the TCP port; 80 when the URI has none
 * @param gzip whether requests are gzip-compressed ({@code ?grpc-compression=gzip})
 */
record H2cTarget(String host, int port, boolean gzip) {
  static final String SCHEME = "h2c";

  static H2cTarget parse(URI uri) {
    String scheme = uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals(SCHEME) || uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("expected h2c://host:port (gRPC over cleartext HTTP/2), got " + uri);
    }
    String path = uri.getRawPath();
    if (path != null && !path.isEmpty() && !path.equals("/")) {
      throw new IllegalArgumentException(
          "an h2c:// address has no path (gRPC paths are /service/Method): " + uri);
    }
    return new H2cTarget(uri.getHost(), uri.getPort() == -1 ? 80 : uri.getPort(), GrpcCompression.parse(uri));
  }

  String authority() {
    return host + ":" + port;
  }
}
