package dev.typedrpc.netty;

import java.net.URI;

/**
 * The one query parameter typedrpc addresses take for gRPC: {@code grpc-compression=gzip} (or {@code identity},
 * the default). On a client ({@code h2c://host:port?grpc-compression=gzip}) it compresses requests; on a server
 * ({@code ws://host:port/rpc?grpc-compression=gzip}) it compresses gRPC responses to clients that accept gzip.
 */
final class GrpcCompression {
  static final String PARAMETER = "grpc-compression";

  private GrpcCompression() {}

  /** Whether the address asks for gzip; any other query is an error. */
  static boolean parse(URI uri) {
    String query = uri.getRawQuery();
    if (query == null || query.isEmpty()) {
      return false;
    }
    if (query.equals(PARAMETER + "=" + GrpcWire.GZIP)) {
      return true;
    }
    if (query.equals(PARAMETER + "=" + GrpcWire.IDENTITY)) {
      return false;
    }
    throw new IllegalArgumentException(
        "the only query an address takes is " + PARAMETER + "=gzip or " + PARAMETER + "=identity: " + uri);
  }

  /** The address without its query. */
  static URI withoutQuery(URI uri) {
    if (uri.getRawQuery() == null) {
      return uri;
    }
    String s = uri.toString();
    return URI.create(s.substring(0, s.indexOf('?')));
  }
}
