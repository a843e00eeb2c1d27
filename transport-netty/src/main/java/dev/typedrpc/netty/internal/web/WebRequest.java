package dev.typedrpc.netty.internal.web;

import dev.typedrpc.Deadline;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.grpc.GrpcWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The protocol-level reading of one web request's head: its protocol and codec, compression both
 * ways, deadline, and its body (base64 undone for gRPC-Web text, the query's message for a Connect
 * GET). What makes it no web call at all is an HTTP refusal ({@code 415}, {@code 400}); what fails
 * the call is a {@link #callError()}, answered in the protocol's own error form. Owns {@link
 * #body()} until {@link #release()}.
 */
final class WebRequest {
  private static final int MAX_TIMEOUT_DIGITS = 10;

  private WebProtocol protocol;
  private boolean get;
  private boolean gzip;
  private boolean acceptsGzip;
  private Deadline deadline;
  private ByteBuf body = Unpooled.EMPTY_BUFFER;
  private HttpResponseStatus httpRefusal;
  private String refusalText;
  private Status callError;

  private WebRequest() {}

  /** A POST: protocol from its content type. {@code body} (retained for this) is owned now. */
  static WebRequest fromPost(ByteBufAllocator alloc, HttpHeaders headers, ByteBuf body) {
    WebRequest r = new WebRequest();
    r.body = body;
    String contentType = headers.get(HttpHeaderNames.CONTENT_TYPE);
    r.protocol = WebProtocol.of(contentType);
    if (r.protocol == null) {
      r.refuse(
          HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          "content type "
              + contentType
              + " is not served: use application/proto or application/json (Connect),"
              + " application/connect+proto or +json (Connect streaming), application/grpc-web"
              + " or application/grpc-web-text (gRPC-Web), or application/grpc (gRPC over HTTP/2)");
      return r;
    }
    try {
      r.readHead(headers);
      if (r.protocol.kind() == WebProtocol.Kind.GRPC_WEB_TEXT) {
        ByteBuf text = r.body;
        r.body = WebText.decode(alloc, text);
        text.release();
      }
    } catch (RpcException e) {
      r.callError = e.status();
    }
    return r;
  }

  /** A Connect GET: protocol, message and compression from the query. */
  static WebRequest fromGet(String uri, HttpHeaders headers) {
    WebRequest r = new WebRequest();
    r.get = true;
    QueryStringDecoder query = new QueryStringDecoder(uri, StandardCharsets.UTF_8);
    String connect = param(query, "connect");
    if (connect != null && !connect.equals("v1")) {
      r.refuse(HttpResponseStatus.BAD_REQUEST, "connect=" + connect + " is not served (v1 is)");
      return r;
    }
    String encoding = param(query, "encoding");
    r.protocol = encoding == null ? null : WebProtocol.of("application/" + encoding);
    if (r.protocol == null || r.protocol.kind() != WebProtocol.Kind.CONNECT_UNARY) {
      r.refuse(
          HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          "a Connect GET names its codec in the query: encoding=proto or encoding=json");
      return r;
    }
    try {
      String compression = param(query, "compression");
      r.gzip = compression(compression);
      r.acceptsGzip = acceptsGzip(headers.get(HttpHeaderNames.ACCEPT_ENCODING), r.gzip);
      r.deadline = connectTimeout(headers.get("connect-timeout-ms"));
      String message = param(query, "message");
      message = message == null ? "" : message;
      if ("1".equals(param(query, "base64"))) {
        // a '+' of standard base64 that was not percent-encoded reads as a space
        byte[] bytes = WebHeaders.decodeBinary(message.replace(' ', '+'));
        if (bytes == null) {
          throw Status.INVALID_ARGUMENT
              .withDescription("the message parameter is not base64")
              .asException();
        }
        r.body = Unpooled.wrappedBuffer(bytes);
      } else {
        r.body = Unpooled.wrappedBuffer(message.getBytes(StandardCharsets.UTF_8));
      }
    } catch (RpcException e) {
      r.callError = e.status();
    }
    return r;
  }

  private static String param(QueryStringDecoder query, String name) {
    List<String> values = query.parameters().get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private void readHead(HttpHeaders headers) {
    switch (protocol.kind()) {
      case CONNECT_UNARY, CONNECT_STREAM -> {
        String version = headers.get("connect-protocol-version");
        if (version != null && !version.trim().equals("1")) {
          throw Status.INVALID_ARGUMENT
              .withDescription("connect-protocol-version must be 1, was " + version)
              .asException();
        }
        boolean unary = protocol.kind() == WebProtocol.Kind.CONNECT_UNARY;
        gzip = compression(headers.get(unary ? "content-encoding" : "connect-content-encoding"));
        acceptsGzip =
            acceptsGzip(headers.get(unary ? "accept-encoding" : "connect-accept-encoding"), gzip);
        deadline = connectTimeout(headers.get("connect-timeout-ms"));
      }
      default -> {
        gzip = compression(headers.get("grpc-encoding"));
        acceptsGzip = acceptsGzip(headers.get("grpc-accept-encoding"), false);
        String timeout = headers.get("grpc-timeout");
        if (timeout != null) {
          try {
            deadline = Deadline.afterNanos(GrpcWire.parseTimeout(timeout));
          } catch (IllegalArgumentException e) {
            throw Status.INTERNAL.withDescription(e.getMessage()).asException();
          }
        }
      }
    }
  }

  /** Whether a request encoding is gzip; identity or none is not; anything else is refused. */
  private static boolean compression(String value) {
    if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("identity")) {
      return false;
    }
    if (value.trim().equalsIgnoreCase("gzip")) {
      return true;
    }
    throw Status.UNIMPLEMENTED
        .withDescription("compression '" + value + "' is not supported (gzip and identity are)")
        .asException();
  }

  /** Whether an accept list names gzip; without a list, the request's own encoding counts. */
  private static boolean acceptsGzip(String accept, boolean requestGzip) {
    if (accept == null) {
      return requestGzip;
    }
    for (String s : accept.split(",", -1)) {
      String coding = s.trim().toLowerCase(Locale.ROOT);
      int q = coding.indexOf(';');
      if ((q < 0 ? coding : coding.substring(0, q).trim()).equals("gzip")
          && !coding.replace(" ", "").endsWith("q=0")) {
        return true;
      }
    }
    return false;
  }

  /** The deadline of a {@code connect-timeout-ms} value: 1 to 10 digits. */
  private static Deadline connectTimeout(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (v.isEmpty() || v.length() > MAX_TIMEOUT_DIGITS || !v.chars().allMatch(Character::isDigit)) {
      throw Status.INVALID_ARGUMENT
          .withDescription("connect-timeout-ms must be 1 to 10 digits, was '" + value + "'")
          .asException();
    }
    return Deadline.afterNanos(TimeUnit.MILLISECONDS.toNanos(Long.parseLong(v)));
  }

  private void refuse(HttpResponseStatus status, String text) {
    httpRefusal = status;
    refusalText = text;
  }

  WebProtocol protocol() {
    return protocol;
  }

  boolean get() {
    return get;
  }

  boolean gzip() {
    return gzip;
  }

  boolean acceptsGzip() {
    return acceptsGzip;
  }

  Deadline deadline() {
    return deadline;
  }

  ByteBuf body() {
    return body;
  }

  HttpResponseStatus httpRefusal() {
    return httpRefusal;
  }

  String refusalText() {
    return refusalText;
  }

  Status callError() {
    return callError;
  }

  void release() {
    body.release();
    body = Unpooled.EMPTY_BUFFER;
  }
}
