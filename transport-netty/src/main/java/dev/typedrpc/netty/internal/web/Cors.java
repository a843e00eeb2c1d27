package dev.typedrpc.netty.internal.web;

import dev.typedrpc.spi.ServerLimits;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/**
 * CORS for the web protocols, on the server's origin allow-list ({@link
 * ServerLimits#allowedOrigins()}, the same one WebSocket and SSE connections are checked against):
 * a preflight {@code OPTIONS} is answered with the methods and request headers the protocols use,
 * and a response to a page of an admitted origin names that origin and exposes the protocol's
 * headers and the call's metadata. Credentials (cookies) are allowed only when the allow-list names
 * origins: with an empty list, any page may call, but without the user's cookies. Stateless.
 */
final class Cors {
  /** How long a browser may cache a preflight's answer: 2 hours (Chromium's cap). */
  static final int MAX_AGE_SECONDS = 7200;

  /** The request headers of the protocols; a preflight that lists none gets these. */
  static final String ALLOWED_HEADERS =
      "content-type, connect-protocol-version, connect-timeout-ms, connect-content-encoding,"
          + " connect-accept-encoding, content-encoding, accept-encoding, x-grpc-web, x-user-agent,"
          + " grpc-timeout, grpc-encoding, grpc-accept-encoding, authorization";

  /** Response headers a page can read without being told (the CORS-safelisted ones). */
  private static final Set<String> SAFELISTED =
      Set.of(
          "cache-control",
          "content-language",
          "content-length",
          "content-type",
          "expires",
          "last-modified",
          "pragma");

  private Cors() {}

  /** The answer to a preflight from an admitted {@code origin}, asking for {@code requested}. */
  static void preflight(
      HttpHeaders out, String origin, String requestedHeaders, ServerLimits limits) {
    allowOrigin(out, origin, limits);
    out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST");
    // the headers asked for: application metadata has names no fixed list can know, and the
    // origin, the one thing that matters, is checked already
    out.set(
        HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
        requestedHeaders == null || requestedHeaders.isBlank()
            ? ALLOWED_HEADERS
            : requestedHeaders);
    out.setInt(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS);
  }

  /**
   * Adds the CORS headers of a response to a page of {@code origin} (null: not a page, nothing
   * added): its origin, and every header of the response it may read.
   */
  static void response(HttpHeaders out, String origin, ServerLimits limits) {
    if (origin == null) {
      return;
    }
    StringJoiner expose = new StringJoiner(", ");
    for (String name : out.names()) {
      String n = name.toLowerCase(Locale.ROOT);
      if (!SAFELISTED.contains(n) && !n.startsWith("access-control-") && !n.equals("vary")) {
        expose.add(n);
      }
    }
    allowOrigin(out, origin, limits);
    // read by gRPC-Web clients in trailers-only responses, whether or not this one has them
    out.set(
        HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS,
        expose.add("grpc-status").add("grpc-message").add("grpc-status-details-bin").toString());
  }

  private static void allowOrigin(HttpHeaders out, String origin, ServerLimits limits) {
    out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    out.add(HttpHeaderNames.VARY, "Origin");
    if (!limits.allowedOrigins().isEmpty()) {
      out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
  }
}
