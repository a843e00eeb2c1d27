package dev.typedrpc.netty.internal.web;

import dev.typedrpc.Metadata;
import dev.typedrpc.netty.internal.grpc.GrpcWire;
import dev.typedrpc.spi.ReservedMetadata;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Metadata as the web protocols carry it in HTTP headers: application keys as they are, binary
 * ({@code -bin}) values in base64 (padded or not, standard or URL-safe alphabet on the way in;
 * unpadded standard on the way out, as Connect writes them). Headers of HTTP itself, of CORS and of
 * the protocols ({@code connect-*}, {@code grpc-*} framing keys) are never metadata. Stateless.
 */
public final class WebHeaders {
  /** HTTP, CORS and protocol headers that are never application metadata, either way. */
  private static final Set<String> NOT_METADATA =
      Set.of(
          "accept-encoding",
          "content-encoding",
          "transfer-encoding",
          "keep-alive",
          "upgrade",
          "proxy-connection",
          "trailer",
          "origin",
          "user-agent",
          "grpc-encoding",
          "grpc-accept-encoding",
          "grpc-status-details-bin",
          "x-grpc-web",
          "vary");

  private WebHeaders() {}

  /** Whether application metadata under {@code key} may go into a response header. */
  static boolean sendable(String key) {
    return !ReservedMetadata.isReserved(key)
        && !NOT_METADATA.contains(key)
        && !key.startsWith("connect-")
        && !key.startsWith("trailer-")
        && !key.startsWith("access-control-");
  }

  /**
   * The application metadata of a request's headers.
   *
   * @throws IllegalStateException if it is larger than {@code maxSize} bytes
   */
  public static Metadata metadata(HttpHeaders headers, int maxSize) {
    Metadata.Builder md = Metadata.builder();
    int total = 0;
    for (Map.Entry<String, String> h : headers) {
      String key = h.getKey().toLowerCase(Locale.ROOT);
      if ((!sendable(key) && !key.equals("user-agent")) || !GrpcWire.validKey(key)) {
        continue;
      }
      String value = h.getValue();
      total += key.length() + value.length();
      if (total > maxSize) {
        throw new IllegalStateException("metadata exceeds the limit of " + maxSize + " bytes");
      }
      if (key.endsWith(Metadata.BINARY_SUFFIX)) {
        byte[] bytes = decodeBinary(value);
        if (bytes != null) {
          md.putRaw(key, bytes);
        }
      } else if (GrpcWire.printable(value)) {
        md.putRaw(key, value.getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    return md.build();
  }

  /** Adds metadata to response headers, each key under {@code prefix} ("" or "trailer-"). */
  static void put(Metadata metadata, HttpHeaders headers, String prefix) {
    for (Map.Entry<String, List<String>> e : ConnectErrors.asMap(metadata).entrySet()) {
      for (String v : e.getValue()) {
        headers.add(prefix + e.getKey(), v);
      }
    }
  }

  /** A base64 value in any of the forms clients send, or null if it is not base64. */
  static byte[] decodeBinary(String value) {
    String v = value.trim().replace('-', '+').replace('_', '/');
    try {
      return Base64.getDecoder().decode(v);
    } catch (IllegalArgumentException e) {
      return null; // an undecodable binary value is not the application's: dropped
    }
  }
}
