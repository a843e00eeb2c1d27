package dev.typedrpc.netty.internal.web;

import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.grpc.GrpcGzip;
import dev.typedrpc.netty.internal.grpc.GrpcWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes one web call's response in its protocol: Connect unary (the message, or the JSON error,
 * with the status as the HTTP status and trailers as {@code trailer-} headers: held until the call
 * closes), Connect streaming (envelopes, then the end-of-stream envelope) and gRPC-Web (envelopes,
 * then the trailers envelope; base64 for the text form). Loop only.
 */
final class WebResponder {
  private final WebExchange exchange;
  private final WebProtocol protocol;
  private final MethodDescriptor<?, ?> method;
  private final WebDispatcher.Context context;
  private final String origin;
  private final boolean requestGzip;
  private final boolean acceptsGzip;
  private String chosenEncoding;
  private boolean gzipOut;
  private Metadata headers;
  private boolean started;
  private ByteBuf unaryBody; // Connect unary: the response message, until the call closes

  WebResponder(
      WebExchange exchange,
      WebProtocol protocol,
      MethodDescriptor<?, ?> method,
      WebDispatcher.Context context,
      String origin,
      boolean requestGzip,
      boolean acceptsGzip) {
    this.exchange = exchange;
    this.protocol = protocol;
    this.method = method;
    this.context = context;
    this.origin = origin;
    this.requestGzip = requestGzip;
    this.acceptsGzip = acceptsGzip;
  }

  void compression(String name) {
    chosenEncoding = name;
    if (started && "identity".equals(name)) {
      gzipOut = false; // per message: later ones go uncompressed
    }
  }

  /** As gRPC decides: the call's choice, else the request's encoding, else the server default. */
  private boolean decideGzip() {
    String wanted =
        chosenEncoding != null
            ? chosenEncoding
            : requestGzip ? "gzip" : context.gzipResponses() ? "gzip" : null;
    return acceptsGzip && "gzip".equalsIgnoreCase(wanted);
  }

  void headers(Metadata metadata) {
    if (protocol.kind().enveloped()) {
      if (!started) {
        start(metadata);
        exchange.flush();
      }
    } else if (headers == null) {
      headers = metadata;
    }
  }

  private void start(Metadata metadata) {
    started = true;
    gzipOut = decideGzip();
    HttpHeaders h = new DefaultHttpHeaders();
    h.set(HttpHeaderNames.CONTENT_TYPE, protocol.contentType());
    if (protocol.kind().connect()) {
      if (gzipOut) {
        h.set("connect-content-encoding", "gzip");
      }
      h.set("connect-accept-encoding", "gzip");
    } else {
      if (gzipOut) {
        h.set("grpc-encoding", "gzip");
      }
      h.set("grpc-accept-encoding", "gzip");
    }
    WebHeaders.put(metadata, h, "");
    Cors.response(h, origin, context.limits());
    exchange.startStream(h);
  }

  void message(Object message) {
    ByteBufAllocator alloc = exchange.context().alloc();
    ByteBuf payload =
        WebMessages.encode(
            alloc,
            method.responseCodec(),
            protocol.json(),
            message,
            context.maxMessageSize(),
            method.fullName());
    if (!protocol.kind().enveloped()) {
      if (unaryBody != null) {
        unaryBody.release(); // a unary call has one response: the last one stands
      }
      unaryBody = payload;
      return;
    }
    if (!started) {
      start(headers == null ? Metadata.EMPTY : headers);
    }
    int flags = 0;
    if (gzipOut && payload.readableBytes() >= context.compressionThreshold()) {
      ByteBuf zipped = GrpcGzip.gzip(alloc, payload);
      if (zipped != null) {
        payload.release();
        payload = zipped;
        flags = Envelopes.COMPRESSED;
      }
    }
    send(Envelopes.wrap(alloc, flags, payload));
  }

  private void send(ByteBuf envelope) {
    exchange.writeChunk(
        protocol.kind() == WebProtocol.Kind.GRPC_WEB_TEXT ? WebText.encode(envelope) : envelope);
    exchange.flush();
  }

  void close(Status status, Metadata trailers) {
    switch (protocol.kind()) {
      case CONNECT_UNARY -> closeUnary(status, trailers);
      case CONNECT_STREAM -> {
        if (!started) {
          start(headers == null ? Metadata.EMPTY : headers);
        }
        ByteBuf end = Unpooled.wrappedBuffer(ConnectErrors.endStream(status, trailers));
        send(Envelopes.wrap(exchange.context().alloc(), Envelopes.CONNECT_END, end));
        exchange.endStream();
      }
      default -> {
        if (!started) {
          start(headers == null ? Metadata.EMPTY : headers);
        }
        ByteBuf block = Unpooled.wrappedBuffer(grpcWebTrailers(status, trailers));
        send(Envelopes.wrap(exchange.context().alloc(), Envelopes.GRPC_WEB_TRAILERS, block));
        exchange.endStream();
      }
    }
  }

  private void closeUnary(Status status, Metadata trailers) {
    HttpHeaders h = new DefaultHttpHeaders();
    WebHeaders.put(headers == null ? Metadata.EMPTY : headers, h, "");
    WebHeaders.put(trailers, h, "trailer-");
    h.set("accept-encoding", "gzip");
    ByteBuf body;
    HttpResponseStatus http;
    if (status.code() == Status.Code.OK) {
      http = HttpResponseStatus.OK;
      h.set(HttpHeaderNames.CONTENT_TYPE, protocol.contentType());
      body = unaryBody == null ? Unpooled.EMPTY_BUFFER : unaryBody;
      unaryBody = null;
      if (decideGzip() && body.readableBytes() >= context.compressionThreshold()) {
        ByteBuf zipped = GrpcGzip.gzip(exchange.context().alloc(), body);
        if (zipped != null) {
          body.release();
          body = zipped;
          h.set(HttpHeaderNames.CONTENT_ENCODING, "gzip");
        }
      }
    } else {
      release();
      http = HttpResponseStatus.valueOf(ConnectErrors.httpStatus(status.code()));
      h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      body = Unpooled.wrappedBuffer(ConnectErrors.errorBody(status, trailers));
    }
    Cors.response(h, origin, context.limits());
    exchange.respond(http, h, body);
  }

  /** gRPC-Web's trailers block: {@code grpc-status:0\r\n}, the message, then the metadata. */
  static byte[] grpcWebTrailers(Status status, Metadata trailers) {
    StringBuilder sb = new StringBuilder(64);
    sb.append("grpc-status:").append(status.code().value()).append("\r\n");
    if (status.description() != null && !status.description().isEmpty()) {
      sb.append("grpc-message:")
          .append(GrpcWire.encodeMessage(status.description()))
          .append("\r\n");
    }
    for (Map.Entry<String, List<String>> e : ConnectErrors.asMap(trailers).entrySet()) {
      for (String v : e.getValue()) {
        sb.append(e.getKey()).append(':').append(v).append("\r\n");
      }
    }
    byte[] details = trailers.getBinary(StatusDetails.KEY);
    if (details != null && status.code() != Status.Code.OK) {
      sb.append(StatusDetails.KEY)
          .append(':')
          .append(Base64.getEncoder().encodeToString(details))
          .append("\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Frees the held unary response, if any. */
  void release() {
    if (unaryBody != null) {
      unaryBody.release();
      unaryBody = null;
    }
  }
}
