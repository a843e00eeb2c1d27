package dev.typedrpc.netty.internal.web;

import java.util.Locale;

/**
 * The protocol of a web request, told by its content type: Connect unary ({@code
 * application/proto}, {@code application/json}), Connect streaming ({@code
 * application/connect+proto}, {@code +json}), gRPC-Web ({@code application/grpc-web[+proto|+json]})
 * and gRPC-Web text ({@code application/grpc-web-text[+proto]}, base64 both ways). Immutable.
 *
 * @param kind the protocol family
 * @param json whether messages are proto3 JSON rather than binary protobuf
 * @param contentType the content type a successful response carries (the request's, normalized)
 */
public record WebProtocol(Kind kind, boolean json, String contentType) {

  /** The protocol families. */
  public enum Kind {
    /** Connect's unary form: the body is one bare message. */
    CONNECT_UNARY,
    /** Connect's streaming form: 5-byte envelopes, an end-of-stream envelope last. */
    CONNECT_STREAM,
    /** gRPC-Web: 5-byte envelopes, a trailers envelope (flag 0x80) last. */
    GRPC_WEB,
    /** gRPC-Web with the whole body in base64 both ways. */
    GRPC_WEB_TEXT;

    /** Whether this protocol carries its status in the body (never in the HTTP status). */
    public boolean enveloped() {
      return this != CONNECT_UNARY;
    }

    /** Whether this is one of Connect's forms (else gRPC-Web). */
    public boolean connect() {
      return this == CONNECT_UNARY || this == CONNECT_STREAM;
    }
  }

  /**
   * The protocol of a content type, or null for one that is none of the web protocols (then the
   * request is not a web call at all, or its content type is unsupported: 415).
   */
  public static WebProtocol of(CharSequence contentType) {
    if (contentType == null) {
      return null;
    }
    String v = contentType.toString().toLowerCase(Locale.ROOT);
    int semi = v.indexOf(';');
    String params = semi < 0 ? "" : v.substring(semi + 1);
    String type = (semi < 0 ? v : v.substring(0, semi)).trim();
    if (!params.isBlank() && !utf8(params)) {
      return null; // only charset=utf-8 is meaningful for these types
    }
    return switch (type) {
      case "application/proto" -> new WebProtocol(Kind.CONNECT_UNARY, false, "application/proto");
      case "application/json" -> new WebProtocol(Kind.CONNECT_UNARY, true, "application/json");
      case "application/connect+proto" ->
          new WebProtocol(Kind.CONNECT_STREAM, false, "application/connect+proto");
      case "application/connect+json" ->
          new WebProtocol(Kind.CONNECT_STREAM, true, "application/connect+json");
      case "application/grpc-web", "application/grpc-web+proto" ->
          new WebProtocol(Kind.GRPC_WEB, false, type);
      case "application/grpc-web+json" -> new WebProtocol(Kind.GRPC_WEB, true, type);
      case "application/grpc-web-text", "application/grpc-web-text+proto" ->
          new WebProtocol(Kind.GRPC_WEB_TEXT, false, type);
      default -> null;
    };
  }

  /** Whether a content type names a web protocol's family (supported or not, e.g. a codec). */
  public static boolean looksLikeWeb(CharSequence contentType) {
    if (contentType == null) {
      return false;
    }
    String v = contentType.toString().toLowerCase(Locale.ROOT).trim();
    return v.startsWith("application/connect+")
        || v.startsWith("application/grpc-web")
        || v.startsWith("application/proto")
        || v.startsWith("application/json");
  }

  private static boolean utf8(String params) {
    for (String p : params.split(";", -1)) {
      String t = p.trim();
      if (!t.isEmpty() && !t.equals("charset=utf-8") && !t.equals("charset=\"utf-8\"")) {
        return false;
      }
    }
    return true;
  }

  /**
   * The protocol's name for {@code RpcContext.transport()}: {@code connect} or {@code grpc-web}.
   */
  public String transportName() {
    return kind.connect() ? "connect" : "grpc-web";
  }
}
