package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.ConnectionRefusal;
import dev.typedrpc.netty.internal.HandshakeDeadline;
import dev.typedrpc.netty.internal.TransportNames;
import dev.typedrpc.netty.internal.web.WebDispatcher;
import dev.typedrpc.spi.ServerStreamListener;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportEvents;
import dev.typedrpc.spi.TransportSettings;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of gRPC over HTTP/2 on one connection: turns each request stream into a {@link
 * H2ServerStream} announced to the server, and answers malformed requests (wrong method or content
 * type, unknown method, bad {@code grpc-timeout}, unsupported encoding, oversized metadata) on that
 * stream alone. Stateful: one per channel; confined to its event loop.
 */
public final class H2ServerHandler extends BatchFlushingHttp2Handler {
  /** The handler of an HTTP/2 server channel, for shutting it down. */
  public static final AttributeKey<H2ServerHandler> HANDLER =
      AttributeKey.valueOf(H2ServerHandler.class, "handler");

  private static final Logger log = LoggerFactory.getLogger(H2ServerHandler.class);

  /** How long a refused connection stays open after its GOAWAY for the client to read it. */
  static final long REFUSAL_LINGER_MILLIS = 1000;

  private final TransportSettings settings;
  private final ServerTransportListener listener;

  /** The transport reported open to the listener's events, until reported closed; else null. */
  private String reportedOpen;

  private final boolean compressResponses;
  private final String endpointPath;
  private final WebDispatcher webDispatcher;
  private final Http2Connection.PropertyKey streamKey;
  private ChannelHandlerContext ctx;
  private Status closeReason;
  private String peer;

  /** Paths of methods this connection was asked for ({@link #methodNames}) kept at most. */
  private static final int METHOD_NAMES_KEPT = 256;

  /**
   * The method name of each path already served on this connection, so that a call's name is not
   * made anew from its path (the lookup also reuses the string's cached hash). Loop only.
   */
  private final Map<AsciiString, String> methodNames = new HashMap<>();

  /** Request metadata made once for the calls whose headers repeat the last call's. */
  private final H2MetadataMemo requestMetadata = new H2MetadataMemo();

  private final H2GracefulShutdown drain = new H2GracefulShutdown(this);

  /** Keep-alive PINGs, the ping policy, and the idle and age limits. */
  private final H2KeepAlive keepAlive;

  private H2ServerHandler(
      Http2ConnectionDecoder decoder,
      Http2ConnectionEncoder encoder,
      Http2Settings initialSettings,
      TransportSettings settings,
      ServerTransportListener listener,
      boolean compressResponses,
      String endpointPath) {
    super(decoder, encoder, initialSettings);
    this.settings = settings;
    this.listener = listener;
    this.compressResponses = compressResponses;
    this.endpointPath = endpointPath;
    this.webDispatcher = new WebDispatcher(settings, listener, compressResponses, endpointPath);
    this.streamKey = connection().newKey();
    decoder.frameListener(new Frames());
    connection()
        .addListener(
            new Http2ConnectionAdapter() {
              @Override
              public void onStreamClosed(Http2Stream stream) {
                H2Exchange s = stream.getProperty(streamKey);
                if (s != null) {
                  s.streamClosed();
                }
              }
            });
    encoder.flowController().listener(this::writabilityChanged);
    this.keepAlive =
        H2KeepAlive.server(
            this,
            settings.keepAlive(),
            status -> shutdownNow(),
            reason -> drain.start(ctx, reason));
  }

  /**
   * The handler of one HTTP/2 server connection.
   *
   * @param endpointPath the server's endpoint path ({@code /rpc}): a client's endpoint check {@code
   *     GET <path>} gets 204 there and 404 anywhere else
   */
  public static H2ServerHandler create(
      TransportSettings settings,
      ServerTransportListener listener,
      boolean compress,
      String endpointPath) {
    return new Builder(settings, listener, compress, endpointPath).build();
  }

  /** The settings a peer of ours gets: our limits, and the same window for every stream. */
  static Http2Settings initialSettings(TransportSettings settings) {
    return new Http2Settings()
        .maxConcurrentStreams(settings.maxConcurrentStreams())
        .initialWindowSize(H2Limits.STREAM_WINDOW)
        .maxHeaderListSize(H2Limits.maxHeaderListSize(settings));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    ctx.channel().attr(HANDLER).set(this);
    super.handlerAdded(ctx);
    H2Limits.widenConnectionWindow(connection());
    keepAlive.start(ctx);
    if (listener.transportEvents() != TransportEvents.NONE) {
      reportedOpen = TransportNames.of(ctx.channel(), "h2c");
      listener.transportEvents().connectionOpened(reportedOpen);
    }
    String refused = ConnectionRefusal.reason(ctx.channel());
    if (refused != null) {
      refuseConnection(ctx, refused);
    }
  }

  /**
   * Beyond a connection limit: GOAWAY {@code REFUSED_STREAM} with the reason as debug data, after
   * this end's SETTINGS, so that a client's calls end {@code UNAVAILABLE} naming it. The client
   * closes the connection when it has read the GOAWAY; the server does after {@link
   * #REFUSAL_LINGER_MILLIS} (or the handshake deadline, if sooner), not at once: closing with the
   * client's first frames unread would reset the connection, and the client might never see why.
   */
  private void refuseConnection(ChannelHandlerContext ctx, String reason) throws Http2Exception {
    ByteBuf debug = ctx.alloc().buffer();
    debug.writeCharSequence(reason, StandardCharsets.UTF_8);
    // what goAway(...) does, less its close as soon as an error GOAWAY is written: the client's
    // streams above 0 are now refused, and the frame goes out
    long code = Http2Error.REFUSED_STREAM.code();
    if (!connection().goAwaySent(0, code, debug)) {
      debug.release(); // a GOAWAY went out already
      return;
    }
    ChannelFuture unused =
        encoder().frameWriter().writeGoAway(ctx, 0, code, debug, ctx.newPromise());
    ctx.flush();
    ScheduledFuture<?> unusedClose =
        ctx.executor().schedule(this::closeRefused, REFUSAL_LINGER_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void closeRefused() {
    ChannelFuture unused = ctx.channel().close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    keepAlive.onRead();
    super.channelRead(ctx, msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof H2OutboundWatch.Stalled stalled) {
      closeReason = stalled.status(); // the connection closes next: its streams end with this
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  /** Why the connection closed, if this end closed it for a reason its streams should carry. */
  Status closeReason() {
    return closeReason;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    keepAlive.stop();
    if (reportedOpen != null) {
      listener.transportEvents().connectionClosed(reportedOpen);
      reportedOpen = null;
    }
    super.channelInactive(ctx);
  }

  /**
   * Sends GOAWAY (in two steps: {@link H2GracefulShutdown}) and closes once the streams in progress
   * have finished.
   */
  public void shutdownGracefully() {
    drain.start(ctx, "server shutting down");
  }

  /** Ends every stream now and closes. */
  public void shutdownNow() {
    if (drain.started()) {
      drain.finish(ctx); // the real last stream id first: the client may retry the streams above it
    }
    gracefulShutdownTimeoutMillis(0);
    ChannelFuture unused = ctx.channel().close(); // through this handler: GOAWAY first
  }

  ChannelHandlerContext context() {
    return ctx;
  }

  /**
   * The client's address as text, made once per connection rather than per call. A racy lazy value:
   * any thread may read it, and every thread computes the same immutable string.
   */
  String peer() {
    String p = peer;
    if (p == null) {
      p = String.valueOf(ctx.channel().remoteAddress());
      peer = p;
    }
    return p;
  }

  TransportSettings settings() {
    return settings;
  }

  private void writabilityChanged(Http2Stream stream) {
    H2Exchange s = stream.getProperty(streamKey);
    if (s != null) {
      s.writabilityChanged(encoder().flowController().isWritable(stream));
    }
  }

  boolean isWritable(Http2Stream stream) {
    return encoder().flowController().isWritable(stream);
  }

  /**
   * Returns {@code n} bytes of a stream to the inbound flow controller (the stream may have closed
   * since).
   */
  void returnBytes(int streamId, int n) {
    Http2Stream stream = connection().stream(streamId);
    if (stream == null || n <= 0) {
      return;
    }
    try {
      if (decoder().flowController().consumeBytes(stream, n)) {
        flushSoon(); // a WINDOW_UPDATE
      }
    } catch (Http2Exception e) {
      onError(ctx, true, e);
    }
  }

  private final class Frames extends Http2FrameAdapter {
    @Override
    public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
      if (ConnectionRefusal.reason(ctx.channel()) == null) {
        HandshakeDeadline.complete(ctx.channel()); // the preface and SETTINGS arrived
      }
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int streamDependency,
        short weight,
        boolean exclusive,
        int padding,
        boolean endStream) {
      onHeadersRead(ctx, streamId, headers, padding, endStream);
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int padding,
        boolean endStream) {
      Http2Stream stream = connection().stream(streamId);
      H2Exchange existing = stream == null ? null : stream.getProperty(streamKey);
      if (existing != null) { // the client's trailers: only the end of the stream matters
        existing.onData(io.netty.buffer.Unpooled.EMPTY_BUFFER, endStream);
        return;
      }
      if (stream != null) {
        newStream(stream, headers, endStream);
      }
    }

    @Override
    public int onDataRead(
        ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
      Http2Stream stream = connection().stream(streamId);
      H2Exchange s = stream == null ? null : stream.getProperty(streamKey);
      if (s == null) {
        return data.readableBytes() + padding; // a stream already answered: nothing reads it
      }
      s.onData(data, endOfStream);
      return padding; // the data bytes return to the window as the call reads its messages
    }

    @Override
    public void onPingAckRead(ChannelHandlerContext ctx, long data) {
      drain.onPingAck(ctx, data);
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
      Http2Stream stream = connection().stream(streamId);
      H2Exchange s = stream == null ? null : stream.getProperty(streamKey);
      if (s != null) {
        s.resetByClient(String.valueOf(Http2Error.valueOf(errorCode)));
      }
    }
  }

  /**
   * The description of an unknown method, as every transport gives it: a service the server does
   * not run is named with the services it does run.
   */
  private String notFound(String fullName) {
    int slash = fullName.lastIndexOf('/');
    String service = slash < 0 ? fullName : fullName.substring(0, slash);
    Set<String> served = new LinkedHashSet<>();
    for (ServiceVersion v : listener.services()) {
      served.add(v.name());
    }
    if (!served.isEmpty() && !served.contains(service)) {
      return "the server does not serve " + service + " (it serves " + served + ")";
    }
    return "Method not found: " + fullName;
  }

  private void newStream(Http2Stream stream, Http2Headers headers, boolean endStream) {
    int id = stream.id();
    boolean post = GrpcWire.POST.contentEquals(headers.method());
    boolean grpc = post && GrpcWire.isGrpcContentType(headers.get(GrpcWire.CONTENT_TYPE));
    if (!grpc && isWeb(headers)) {
      H2WebStream web = new H2WebStream(this, stream, webDispatcher, headers);
      stream.setProperty(streamKey, web);
      if (endStream) {
        web.onData(io.netty.buffer.Unpooled.EMPTY_BUFFER, true);
      }
      return;
    }
    if (GrpcWire.GET.contentEquals(headers.method())) {
      // a client's endpoint check: the same answer a WebSocket upgrade to that path gets
      boolean here = headers.path() != null && endpointPath.contentEquals(headers.path());
      finish(id, new DefaultHttp2Headers().status(here ? "204" : "404"), endStream);
      return;
    }
    if (!post) {
      refuseHttp(id, "405", "gRPC requests use POST");
      return;
    }
    if (!grpc) {
      refuseHttp(id, "415", "content-type must be application/grpc");
      return;
    }
    CharSequence path = headers.path();
    String known = path instanceof AsciiString a ? methodNames.get(a) : null;
    String fullName =
        known != null
            ? known
            : path == null || path.length() < 2 || path.charAt(0) != '/'
                ? ""
                : path.toString().substring(1);
    MethodDescriptor<?, ?> method = listener.lookupMethod(fullName);
    if (method != null
        && known == null
        && path instanceof AsciiString a
        && methodNames.size() < METHOD_NAMES_KEPT) {
      methodNames.put(a, fullName);
    }
    if (method == null) {
      refuse(id, Status.UNIMPLEMENTED.withDescription(notFound(fullName)));
      return;
    }
    CharSequence encoding = headers.get(GrpcWire.GRPC_ENCODING);
    boolean gzipIn = encoding != null && encoding.toString().equalsIgnoreCase(GrpcWire.GZIP);
    if (encoding != null && !gzipIn && !encoding.toString().equalsIgnoreCase(GrpcWire.IDENTITY)) {
      refuse(
          id,
          Status.UNIMPLEMENTED.withDescription(
              "grpc-encoding '" + encoding + "' is not supported (gzip is)"));
      return;
    }
    Deadline deadline = null;
    CharSequence timeout = headers.get(GrpcWire.GRPC_TIMEOUT);
    if (timeout != null) {
      try {
        deadline = Deadline.afterNanos(GrpcWire.parseTimeout(timeout));
      } catch (IllegalArgumentException e) {
        refuse(id, Status.INTERNAL.withDescription(e.getMessage()));
        return;
      }
    }
    Metadata metadata;
    try {
      metadata = requestMetadata.metadata(headers, settings.maxMetadataSize());
    } catch (IllegalStateException e) {
      refuse(id, Status.RESOURCE_EXHAUSTED.withDescription("request " + e.getMessage()));
      return;
    }
    H2ServerStream s =
        new H2ServerStream(
            this,
            stream,
            method,
            gzipIn,
            encoding == null ? null : encoding.toString(),
            GrpcWire.acceptsGzip(headers.get(GrpcWire.GRPC_ACCEPT_ENCODING)));
    s.deadline(deadline);
    stream.setProperty(streamKey, s);
    ServerStreamListener callListener;
    try {
      callListener = listener.streamCreated(s, method, metadata, deadline);
    } catch (RuntimeException e) {
      log.error("bug: streamCreated failed for {}", method.fullName(), e);
      s.close(Status.INTERNAL.withDescription("server failed to start the call"), Metadata.EMPTY);
      return;
    }
    s.start(callListener);
    if (endStream) {
      s.onData(io.netty.buffer.Unpooled.EMPTY_BUFFER, true);
    }
  }

  /**
   * Whether a request that is not gRPC is for the web protocols (Connect, gRPC-Web, their CORS
   * preflights): on a {@code /<service>/<method>} path.
   */
  private boolean isWeb(Http2Headers headers) {
    CharSequence method = headers.method();
    CharSequence path = headers.path();
    return method != null
        && path != null
        && webDispatcher.accepts(method.toString(), path.toString());
  }

  /**
   * Responses are gzipped by default ({@code ?grpc-compression=gzip}) for clients that accept it.
   */
  boolean compressResponses() {
    return compressResponses;
  }

  /** A trailers-only response, then RST_STREAM(NO_ERROR) if the client is still sending. */
  void refuse(int streamId, Status status) {
    finish(streamId, GrpcWire.trailersOnly(status, Metadata.EMPTY), false);
  }

  private void refuseHttp(int streamId, String httpStatus, String message) {
    Http2Headers h =
        new DefaultHttp2Headers()
            .status(AsciiString.of(httpStatus))
            .set(GrpcWire.CONTENT_TYPE, "text/plain; charset=utf-8")
            .set(GrpcWire.GRPC_STATUS, Integer.toString(Status.Code.INTERNAL.value()))
            .set(GrpcWire.GRPC_MESSAGE, GrpcWire.encodeMessage(message));
    finish(streamId, h, false);
  }

  /**
   * Writes a final HEADERS frame on a stream and stops the client's half if it is still open.
   *
   * @param requestEnded the client's end of stream has arrived, perhaps in the frame being handled
   *     now, whose half-close HTTP/2 applies only after its listener returns; a reset then would
   *     only race the response
   */
  void finish(int streamId, Http2Headers lastHeaders, boolean requestEnded) {
    ChannelFuture trailers =
        encoder().writeHeaders(ctx, streamId, lastHeaders, 0, true, ctx.newPromise());
    if (!requestEnded) {
      // the trailers may wait in the flow controller behind response DATA not sent yet, and a
      // reset drops what waits there: the reset goes out only once they are written
      if (trailers.isDone()) {
        resetIfClientSends(streamId, trailers);
      } else {
        trailers.addListener(written -> resetIfClientSends(streamId, trailers));
      }
    }
    flushSoon();
  }

  /** Sends RST_STREAM(NO_ERROR) after the trailers, if the client is still sending. */
  void resetIfClientSends(int streamId, ChannelFuture trailers) {
    Http2Stream stream = connection().stream(streamId);
    if (trailers.isSuccess() && stream != null && stream.state().remoteSideOpen()) {
      ChannelFuture unusedReset =
          resetStream(ctx, streamId, Http2Error.NO_ERROR.code(), ctx.newPromise());
      flushSoon();
    }
  }

  private static final class Builder
      extends AbstractHttp2ConnectionHandlerBuilder<H2ServerHandler, Builder> {
    private final TransportSettings settings;
    private final ServerTransportListener listener;
    private final boolean compress;
    private final String endpointPath;

    Builder(
        TransportSettings settings,
        ServerTransportListener listener,
        boolean compress,
        String endpointPath) {
      this.settings = settings;
      this.listener = listener;
      this.compress = compress;
      this.endpointPath = endpointPath;
      if (H2Limits.LOG_FRAMES) {
        frameLogger(H2Limits.frameLogger());
      }
      Http2Connection connection = new DefaultHttp2Connection(true);
      connection.remote().flowController(H2Limits.sendFlowController(connection));
      connection(connection);
      initialSettings(H2ServerHandler.initialSettings(settings));
      // Netty's flood guards, explicit so that a change of its defaults cannot drop them
      encoderEnforceMaxQueuedControlFrames(H2Limits.MAX_QUEUED_CONTROL_FRAMES);
      decoderEnforceMaxConsecutiveEmptyDataFrames(H2Limits.MAX_CONSECUTIVE_EMPTY_DATA_FRAMES);
      decoderEnforceMaxSmallContinuationFrames(H2Limits.MAX_SMALL_CONTINUATION_FRAMES);
      // Netty's rapid-reset guard at the limit the frame engine enforces too: its default (200
      // resets in 30 s) closes ordinary clients that cancel much
      decoderEnforceMaxRstFramesPerWindow(
          settings.maxCancelsPerWindow(), TransportSettings.CANCEL_WINDOW_SECONDS);
    }

    @Override
    protected H2ServerHandler build() {
      return super.build();
    }

    @Override
    protected H2ServerHandler build(
        Http2ConnectionDecoder decoder,
        Http2ConnectionEncoder encoder,
        Http2Settings initialSettings) {
      return new H2ServerHandler(
          decoder,
          H2KeepAlive.watchResponses(encoder),
          initialSettings,
          settings,
          listener,
          compress,
          endpointPath);
    }
  }
}
