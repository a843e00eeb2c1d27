package dev.typedrpc.netty.internal.web;

import dev.typedrpc.CallKind;
import dev.typedrpc.Deadline;
import dev.typedrpc.Idempotency;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ServerLimits;
import dev.typedrpc.spi.ServerStreamListener;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point of the web protocols for both HTTP adapters: takes one whole request (head and
 * body, the body bounded by {@link #maxBody}), answers it at once if it is a preflight or is
 * malformed, else decodes its messages and starts its call through the server's {@link
 * ServerTransportListener}, as every transport does. A failure ends that request alone. Stateless
 * apart from its configuration; shared by a server's connections.
 */
public final class WebDispatcher {
  private static final Logger log = LoggerFactory.getLogger(WebDispatcher.class);

  /** Stands for a null request message in a call's queue. */
  static final Object NULL = new Object();

  /** What a web call needs of the server. */
  record Context(
      TransportSettings settings,
      ServerTransportListener listener,
      boolean gzipResponses,
      String endpointPath) {
    int maxMessageSize() {
      return settings.maxMessageSize();
    }

    int compressionThreshold() {
      return settings.compressionThreshold();
    }

    ServerLimits limits() {
      return settings.serverLimits();
    }
  }

  private final Context context;

  /**
   * @param gzipResponses whether responses are gzipped for clients that accept it by default
   * @param endpointPath the server's endpoint path: {@code <path>/<service>/<method>} is accepted
   *     as well as {@code /<service>/<method>}
   */
  public WebDispatcher(
      TransportSettings settings,
      ServerTransportListener listener,
      boolean gzipResponses,
      String endpointPath) {
    this.context = new Context(settings, listener, gzipResponses, endpointPath);
  }

  /** The largest request body read: a message and its envelope, in base64 for gRPC-Web text. */
  public static int maxBody(TransportSettings settings) {
    long binary = (long) settings.maxMessageSize() + Envelopes.HEADER;
    return (int) Math.min(Integer.MAX_VALUE - 8, binary * 4 / 3 + 8);
  }

  /**
   * Whether a request is for the web protocols: POST, GET or OPTIONS on {@code /<service>/<method>}
   * (or under the endpoint path).
   */
  public boolean accepts(String httpMethod, String uri) {
    boolean method =
        "POST".equals(httpMethod)
            || "OPTIONS".equals(httpMethod)
            // a Connect GET has its query; other GETs are the other transports' (SSE, checks)
            || ("GET".equals(httpMethod) && isConnectQuery(uri));
    return method && fullName(uri) != null;
  }

  private static boolean isConnectQuery(String uri) {
    int q = uri.indexOf('?');
    return q >= 0 && (uri.indexOf("encoding=", q) > 0 || uri.indexOf("connect=", q) > 0);
  }

  /** The {@code service/method} of a request path, or null if it has not that form. */
  String fullName(String uri) {
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String prefix = context.endpointPath() + "/";
    if (path.startsWith(prefix) && isFullName(path.substring(prefix.length()))) {
      return path.substring(prefix.length());
    }
    return path.startsWith("/") && isFullName(path.substring(1)) ? path.substring(1) : null;
  }

  private static boolean isFullName(String s) {
    int slash = s.indexOf('/');
    return slash > 0 && slash < s.length() - 1 && s.indexOf('/', slash + 1) < 0;
  }

  /**
   * Answers or starts one request; {@code body} is released here.
   *
   * @return the call started, or null if the request was answered at once
   */
  public WebCall handle(
      WebExchange exchange, String httpMethod, String uri, HttpHeaders headers, ByteBuf body) {
    try {
      return start(exchange, httpMethod, uri, headers, body);
    } finally {
      body.release();
    }
  }

  /**
   * Answers a request that cannot be read (its body is over {@link #maxBody}) with {@code status}
   * in its protocol's error form.
   *
   * @return null: no call starts
   */
  public WebCall refuse(WebExchange exchange, String uri, HttpHeaders headers, Status status) {
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    WebProtocol protocol = WebProtocol.of(headers.get(HttpHeaderNames.CONTENT_TYPE));
    WebRefusals.error(
        exchange,
        protocol,
        status,
        null,
        context.limits().admitsOrigin(origin) ? origin : null,
        context);
    return null;
  }

  private WebCall start(
      WebExchange exchange, String httpMethod, String uri, HttpHeaders headers, ByteBuf body) {
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    if (!context.limits().admitsOrigin(origin)) {
      plain(exchange, HttpResponseStatus.FORBIDDEN, "origin " + origin + " is not allowed", null);
      return null;
    }
    if ("OPTIONS".equals(httpMethod)) {
      HttpHeaders h = new DefaultHttpHeaders();
      if (origin != null) {
        Cors.preflight(
            h,
            origin,
            headers.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS),
            context.limits());
      }
      h.set(HttpHeaderNames.ALLOW, "GET, POST, OPTIONS");
      exchange.respond(HttpResponseStatus.NO_CONTENT, h, Unpooled.EMPTY_BUFFER);
      return null;
    }
    WebRequest request =
        "GET".equals(httpMethod)
            ? WebRequest.fromGet(uri, headers)
            : WebRequest.fromPost(exchange.context().alloc(), headers, body.retain());
    try {
      return start(exchange, request, fullName(uri), headers, origin);
    } finally {
      request.release();
    }
  }

  private WebCall start(
      WebExchange exchange,
      WebRequest request,
      String fullName,
      HttpHeaders headers,
      String origin) {
    if (request.httpRefusal() != null) {
      plain(exchange, request.httpRefusal(), request.refusalText(), origin);
      return null;
    }
    WebProtocol protocol = request.protocol();
    MethodDescriptor<?, ?> method = context.listener().lookupMethod(fullName);
    if (method == null) {
      Status notFound = Status.UNIMPLEMENTED.withDescription("Method not found: " + fullName);
      WebRefusals.error(
          exchange, protocol, notFound, HttpResponseStatus.NOT_FOUND, origin, context);
      return null;
    }
    HttpResponseStatus misfit = misfit(request, method);
    if (misfit != null) {
      HttpHeaders h = new DefaultHttpHeaders();
      if (misfit.equals(HttpResponseStatus.METHOD_NOT_ALLOWED)) {
        h.set(HttpHeaderNames.ALLOW, "POST");
      }
      String why =
          misfit.equals(HttpResponseStatus.METHOD_NOT_ALLOWED)
              ? fullName
                  + " has side effects: call it with POST (GET is for methods declared"
                  + " @Idempotent(sideEffects = false))"
              : "content type "
                  + headers.get(HttpHeaderNames.CONTENT_TYPE)
                  + " does not fit "
                  + fullName
                  + ", a "
                  + method.kind()
                  + " method";
      plain(exchange, misfit, why, origin, h);
      return null;
    }
    try {
      return call(exchange, request, protocol, method, headers, origin);
    } catch (RpcException e) {
      WebRefusals.error(exchange, protocol, e.status(), null, origin, context);
      return null;
    }
  }

  /** 405 for a GET of a method with side effects, 415 for a content type of another call kind. */
  private static HttpResponseStatus misfit(WebRequest request, MethodDescriptor<?, ?> method) {
    if (request.get()
        && (method.idempotency() != Idempotency.NO_SIDE_EFFECTS
            || method.kind() != CallKind.UNARY)) {
      return HttpResponseStatus.METHOD_NOT_ALLOWED;
    }
    WebProtocol.Kind kind = request.protocol().kind();
    if ((kind == WebProtocol.Kind.CONNECT_UNARY && method.kind() != CallKind.UNARY)
        || (kind == WebProtocol.Kind.CONNECT_STREAM && method.kind() == CallKind.UNARY)) {
      return HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE;
    }
    return null;
  }

  private WebCall call(
      WebExchange exchange,
      WebRequest request,
      WebProtocol protocol,
      MethodDescriptor<?, ?> method,
      HttpHeaders headers,
      String origin) {
    if (method.kind() == CallKind.BIDI_STREAMING) {
      throw Status.UNIMPLEMENTED
          .withDescription(
              method.fullName()
                  + " is a bidirectional stream, which this server does not serve over Connect or"
                  + " gRPC-Web: call it over gRPC (HTTP/2) or the typedrpc transports")
          .asException();
    }
    if (request.callError() != null) {
      throw request.callError().asException();
    }
    Deadline deadline = request.deadline();
    Metadata metadata;
    try {
      metadata = WebHeaders.metadata(headers, context.settings().maxMetadataSize());
    } catch (IllegalStateException e) {
      throw Status.RESOURCE_EXHAUSTED.withDescription("request " + e.getMessage()).asException();
    }
    List<Object> messages = decode(exchange, request, protocol, method);
    WebResponder responder =
        new WebResponder(
            exchange, protocol, method, context, origin, request.gzip(), request.acceptsGzip());
    WebCall call = new WebCall(exchange, responder, protocol, messages);
    ServerStreamListener callListener;
    try {
      callListener = context.listener().streamCreated(call, method, metadata, deadline);
    } catch (RuntimeException e) {
      log.error("bug: streamCreated failed for {}", method.fullName(), e);
      call.close(
          Status.INTERNAL.withDescription("server failed to start the call"), Metadata.EMPTY);
      return call;
    }
    call.start(callListener);
    return call;
  }

  private List<Object> decode(
      WebExchange exchange,
      WebRequest request,
      WebProtocol protocol,
      MethodDescriptor<?, ?> method) {
    int max = context.maxMessageSize();
    ByteBuf body = request.body();
    List<Object> out = new ArrayList<>(1);
    if (protocol.kind() == WebProtocol.Kind.CONNECT_UNARY) {
      if (body.readableBytes() > max) {
        throw Status.RESOURCE_EXHAUSTED
            .withDescription(
                "request of "
                    + body.readableBytes()
                    + " bytes for "
                    + method.fullName()
                    + " exceeds the limit of "
                    + max
                    + " bytes")
            .asException();
      }
      ByteBuf message =
          protocol.json() && !body.isReadable()
              ? Unpooled.wrappedBuffer("{}".getBytes(StandardCharsets.US_ASCII))
              : body;
      out.add(orNull(decodeOne(exchange, protocol, method, message, request.gzip())));
      return out;
    }
    for (Envelopes.Envelope e : Envelopes.split(body, request.gzip(), max, method.fullName())) {
      out.add(orNull(decodeOne(exchange, protocol, method, e.payload(), e.compressed())));
    }
    if (!method.kind().clientSendsMany() && out.size() != 1) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              method.fullName() + " takes one request message, the request has " + out.size())
          .asException();
    }
    return out;
  }

  private Object decodeOne(
      WebExchange exchange,
      WebProtocol protocol,
      MethodDescriptor<?, ?> method,
      ByteBuf bytes,
      boolean gzip) {
    return WebMessages.decode(
        exchange.context().alloc(),
        method.requestCodec(),
        protocol.json(),
        bytes,
        gzip,
        context.maxMessageSize(),
        method.fullName());
  }

  private static Object orNull(Object message) {
    return message == null ? NULL : message;
  }

  private void plain(WebExchange exchange, HttpResponseStatus status, String text, String origin) {
    plain(exchange, status, text, origin, new DefaultHttpHeaders());
  }

  private void plain(
      WebExchange exchange, HttpResponseStatus status, String text, String origin, HttpHeaders h) {
    h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    if (origin != null && context.limits().admitsOrigin(origin)) {
      Cors.response(h, origin, context.limits());
    }
    exchange.respond(
        status, h, Unpooled.wrappedBuffer((text + "\n").getBytes(StandardCharsets.UTF_8)));
  }
}
