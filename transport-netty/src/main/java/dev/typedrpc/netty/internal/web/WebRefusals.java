package dev.typedrpc.netty.internal.web;

import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.grpc.GrpcWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request that fails before its call starts, answered in its protocol's error form: Connect's
 * JSON error with the code's HTTP status (unary) or an end-of-stream envelope (streaming),
 * gRPC-Web's trailers-only response ({@code grpc-status} and {@code grpc-message} headers).
 * Stateless.
 */
final class WebRefusals {
  private WebRefusals() {}

  /**
   * @param protocol the request's protocol; null when unknown (answered as Connect unary)
   * @param http an HTTP status to use instead of the protocol's (404 for an unknown method), or
   *     null
   */
  static void error(
      WebExchange exchange,
      WebProtocol protocol,
      Status status,
      HttpResponseStatus http,
      String origin,
      WebDispatcher.Context context) {
    HttpHeaders h = new DefaultHttpHeaders();
    ByteBuf body;
    HttpResponseStatus code;
    WebProtocol.Kind kind = protocol == null ? WebProtocol.Kind.CONNECT_UNARY : protocol.kind();
    if (kind == WebProtocol.Kind.CONNECT_UNARY
        || (kind == WebProtocol.Kind.CONNECT_STREAM && http != null)) {
      code =
          http != null ? http : HttpResponseStatus.valueOf(ConnectErrors.httpStatus(status.code()));
      h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      body = Unpooled.wrappedBuffer(ConnectErrors.errorBody(status));
    } else if (kind == WebProtocol.Kind.CONNECT_STREAM) {
      code = HttpResponseStatus.OK;
      h.set(HttpHeaderNames.CONTENT_TYPE, protocol.contentType());
      ByteBuf end = Unpooled.wrappedBuffer(ConnectErrors.endStream(status, Metadata.EMPTY));
      body = Envelopes.wrap(exchange.context().alloc(), Envelopes.CONNECT_END, end);
    } else {
      code = http != null ? http : HttpResponseStatus.OK;
      h.set(HttpHeaderNames.CONTENT_TYPE, protocol.contentType());
      h.set("grpc-status", Integer.toString(status.code().value()));
      if (status.description() != null && !status.description().isEmpty()) {
        h.set("grpc-message", GrpcWire.encodeMessage(status.description()));
      }
      body = Unpooled.EMPTY_BUFFER;
    }
    Cors.response(h, origin, context.limits());
    exchange.respond(code, h, body);
  }
}
