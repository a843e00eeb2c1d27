package dev.typedrpc.netty.internal.grpc;

import java.net.URI;
import java.util.Map;

/**
 * The query parameter that typedrpc addresses take for gRPC compression: {@code
 * grpc-compression=gzip} (or {@code identity}, the default). On a client ({@code
 * h2c://host:port?grpc-compression=gzip}) it compresses requests; on a server ({@code
 * ws://host:port/rpc?grpc-compression=gzip}) it compresses gRPC responses to clients that accept
 * gzip.
 */
public final class GrpcCompression {
  public static final String PARAMETER = "grpc-compression";

  private GrpcCompression() {}

  /**
   * Whether the parameters of {@code uri} ask for gzip; a value other than gzip or identity is an
   * error.
   */
  public static boolean parse(Map<String, String> params, URI uri) {
    String value = params.get(PARAMETER);
    if (value == null || value.equals(GrpcWire.IDENTITY)) {
      return false;
    }
    if (value.equals(GrpcWire.GZIP)) {
      return true;
    }
    throw new IllegalArgumentException(
        PARAMETER + " is gzip or identity, not " + value + ": " + uri);
  }
}
