package dev.typedrpc.spi;

import java.util.Set;

/**
 * Metadata keys that belong to the transports, never to the application: every transport leaves
 * them out of the request headers, response headers and trailers it sends from application
 * metadata, and out of the metadata it hands to the application, so that a call behaves the same
 * whichever transport carries it (a {@code grpc-timeout} or {@code grpc-status} in application
 * metadata changes nothing anywhere).
 */
public final class ReservedMetadata {
  private ReservedMetadata() {}

  /**
   * The keys HTTP and gRPC define for themselves: {@code content-type}, {@code te}, {@code
   * content-length}, {@code connection}, {@code host}, {@code grpc-timeout}, {@code grpc-status},
   * {@code grpc-message}.
   */
  public static final Set<String> KEYS =
      Set.of(
          "content-type",
          "te",
          "content-length",
          "connection",
          "host",
          "grpc-timeout",
          "grpc-status",
          "grpc-message");

  /** Whether {@code key} is reserved (pseudo-headers, starting with {@code :}, are too). */
  public static boolean isReserved(String key) {
    return KEYS.contains(key) || key.startsWith(":");
  }
}
