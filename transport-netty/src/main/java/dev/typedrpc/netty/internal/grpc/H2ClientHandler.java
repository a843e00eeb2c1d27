package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.EndpointPath;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.TransportSettings;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of gRPC over HTTP/2 (h2c with prior knowledge, or over TLS once ALPN chose h2) on
 * one connection: opens a stream per call once the connection is up, routes frames to {@link
 * H2ClientStream}s, and reports the connection's life to the transport listener (ready, shut down
 * once, terminated once, last). Stateful: one per channel; confined to its event loop.
 */
final class H2ClientHandler extends BatchFlushingHttp2Handler {
  private static final Logger log = LoggerFactory.getLogger(H2ClientHandler.class);

  private final TransportSettings settings;
  private final String authority;
  private final boolean gzipRequests;
  private final AsciiString scheme;

  /** The typedrpc endpoint to check before the connection counts as ready, or null. */
  private final String endpointPath;

  /** The stream of the endpoint check while it is under way, else 0. */
  private int checkStreamId;

  /** Methods whose plain request headers a connection keeps ({@link #plainRequestHeaders}). */
  private static final int PLAIN_HEADERS_KEPT = 256;

  /** Plain request headers by method name (loop only). */
  private final Map<String, Http2Headers> plainRequestHeaders = new HashMap<>();

  private final H2MetadataMemo responseMetadata = new H2MetadataMemo();
  private final Http2Connection.PropertyKey streamKey;
  private final List<H2ClientStream> waiting = new ArrayList<>();

  /** Calls waiting for a free stream (the server's MAX_CONCURRENT_STREAMS are in use). */
  private final H2StreamQueue waitingForStream = new H2StreamQueue();

  /** Streams begun and not yet closed (some may wait for their reader after HTTP/2 closed them). */
  private final Set<H2ClientStream> open = new LinkedHashSet<>();

  private ClientTransport.Listener transportListener;

  /** Keep-alive PINGs, if the settings turn them on. */
  private final H2KeepAlive keepAlive;

  private ChannelHandlerContext ctx;

  /**
   * The connection's channel, known before this handler is added to it (over TLS, after the
   * handshake).
   */
  private Channel channel;

  private boolean connected;
  private Status shutdownReason;

  /** Why the server sent GOAWAY, once it did: what the streams it closes end with. */
  private Status goAway;

  private boolean terminated;
  private Throwable failure;

  private H2ClientHandler(
      Http2ConnectionDecoder decoder,
      Http2ConnectionEncoder encoder,
      Http2Settings initialSettings,
      TransportSettings settings,
      String authority,
      boolean gzipRequests,
      boolean tls,
      String endpointPath) {
    super(decoder, encoder, initialSettings);
    this.settings = settings;
    this.authority = authority;
    this.gzipRequests = gzipRequests;
    this.endpointPath = endpointPath;
    this.scheme = tls ? GrpcWire.HTTPS : GrpcWire.HTTP;
    this.streamKey = connection().newKey();
    decoder.frameListener(new Frames());
    connection()
        .addListener(
            new Http2ConnectionAdapter() {
              @Override
              public void onStreamClosed(Http2Stream stream) {
                H2ClientStream s = stream.getProperty(streamKey);
                if (s != null) {
                  s.streamClosed(closedBy());
                }
                waitingForStream.drainSoon(ctx, connection());
                maybeClose();
              }

              @Override
              public void onGoAwayReceived(int lastStreamId, long errorCode, ByteBuf debugData) {
                // before HTTP/2 closes the streams the GOAWAY names: they end with its reason
                goAway =
                    Status.UNAVAILABLE.withDescription(
                        "the server is going away (GOAWAY "
                            + Http2Error.valueOf(errorCode)
                            + GrpcWire.goAwayDebugText(debugData)
                            + ")");
                goAwayReceived(lastStreamId, goAway);
              }
            });
    encoder.flowController().listener(this::writabilityChanged);
    this.keepAlive = H2KeepAlive.client(this, settings.keepAlive(), this::shutdownNow);
  }

  /**
   * @param tls whether the connection is TLS ({@code :scheme https})
   * @param endpointPath the typedrpc endpoint the server must have ({@code GET <path>} answered
   *     2xx) before the connection is ready, or null for any gRPC server
   */
  static H2ClientHandler create(
      TransportSettings settings,
      String authority,
      boolean gzipRequests,
      boolean tls,
      String endpointPath) {
    return new Builder(settings, authority, gzipRequests, tls, endpointPath).build();
  }

  /** The channel this handler is for, as soon as connecting starts. */
  void channel(Channel ch) {
    this.channel = ch;
  }

  AsciiString scheme() {
    return scheme;
  }

  void listener(ClientTransport.Listener listener) {
    this.transportListener = listener;
  }

  TransportSettings settings() {
    return settings;
  }

  String authority() {
    return authority;
  }

  boolean gzipRequests() {
    return gzipRequests;
  }

  ChannelHandlerContext context() {
    return ctx;
  }

  boolean isWritable(Http2Stream stream) {
    return encoder().flowController().isWritable(stream);
  }

  /**
   * The request headers of a call of {@code method}, before its metadata, deadline and encoding are
   * added.
   */
  Http2Headers newRequestHeaders(MethodDescriptor<?, ?> method) {
    return new DefaultHttp2Headers()
        .method(GrpcWire.POST)
        .scheme(scheme)
        .path("/" + method.fullName())
        .authority(authority)
        .set(GrpcWire.CONTENT_TYPE, GrpcWire.APPLICATION_GRPC)
        .set(GrpcWire.TE, GrpcWire.TRAILERS)
        .set(GrpcWire.USER_AGENT, GrpcWire.USER_AGENT_VALUE)
        .set(GrpcWire.GRPC_ACCEPT_ENCODING, GrpcWire.ACCEPTED_ENCODINGS);
  }

  /**
   * The request headers of a call of {@code method} without metadata, deadline or encoding, made
   * once per method and shared by its calls (HTTP/2 only reads them; nobody may change them). At
   * most {@link #PLAIN_HEADERS_KEPT} methods are kept; others get new headers per call.
   */
  Http2Headers plainRequestHeaders(MethodDescriptor<?, ?> method) {
    Http2Headers h = plainRequestHeaders.get(method.fullName());
    if (h == null) {
      h = newRequestHeaders(method);
      if (plainRequestHeaders.size() < PLAIN_HEADERS_KEPT) {
        plainRequestHeaders.put(method.fullName(), h);
      }
    }
    return h;
  }

  /**
   * The application metadata of a response's headers (loop only): made once for the responses whose
   * headers repeat the last one's.
   *
   * @throws IllegalStateException if it is larger than the metadata limit
   */
  Metadata responseMetadata(Http2Headers headers) {
    return responseMetadata.metadata(headers, settings.maxMetadataSize());
  }

  void attach(Http2Stream stream, H2ClientStream s) {
    stream.setProperty(streamKey, s);
    open.add(s);
  }

  /** A stream closed its listener. */
  void closed(H2ClientStream s) {
    open.remove(s);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    super.handlerAdded(
        ctx); // on an active channel (after a TLS handshake), sends the preface and our settings
    if (ctx.channel().isActive()) {
      activated(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    super.channelActive(ctx); // sends the preface and our settings
    activated(ctx);
  }

  /** The connection is up and our preface sent: streams may begin. */
  private void activated(ChannelHandlerContext ctx) throws Http2Exception {
    if (connected) {
      return;
    }
    H2Limits.widenConnectionWindow(connection());
    flush(ctx);
    // ready only once the server answers in HTTP/2: something that merely accepts TCP (a proxy that
    // refuses
    // HTTP/2) must not count, or negotiation would stop here and calls would fail later
    long timeout = settings.connectTimeout().toMillis();
    var unused =
        ctx.executor()
            .schedule(
                () -> {
                  if (!connected && ctx.channel().isActive()) {
                    failure =
                        new java.io.IOException(
                            (checkStreamId != 0
                                    ? "no answer to GET " + endpointPath + " (the endpoint check)"
                                    : "no HTTP/2 SETTINGS")
                                + " from "
                                + authority
                                + " within "
                                + timeout
                                + " ms");
                    var unusedClose = ctx.close();
                  }
                },
                timeout,
                java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * The server's first SETTINGS: the connection speaks HTTP/2; waiting calls start, once the
   * endpoint check (if any) passed.
   */
  private void serverSettingsArrived(ChannelHandlerContext ctx) {
    if (connected || checkStreamId != 0) {
      return;
    }
    if (endpointPath != null && shutdownReason == null) {
      checkEndpoint(ctx);
      return;
    }
    becomeReady(ctx);
  }

  /**
   * Asks whether the server has the target's typedrpc endpoint: {@code GET <path>}, which a
   * typedrpc server answers 204 at its endpoint path and 404 elsewhere, as its WebSocket endpoint
   * answers an upgrade.
   */
  private void checkEndpoint(ChannelHandlerContext ctx) {
    int id = connection().local().incrementAndGetNextStreamId();
    Http2Headers h =
        new DefaultHttp2Headers()
            .method(GrpcWire.GET)
            .scheme(scheme)
            .path(endpointPath)
            .authority(authority)
            .set(GrpcWire.USER_AGENT, GrpcWire.USER_AGENT_VALUE);
    checkStreamId = id;
    ChannelFuture unused = encoder().writeHeaders(ctx, id, h, 0, true, ctx.newPromise());
    flush(ctx);
  }

  /** The answer to the endpoint check: 2xx makes the connection ready, anything else fails it. */
  private void endpointAnswered(ChannelHandlerContext ctx, CharSequence status) {
    checkStreamId = 0;
    int code = -1;
    try {
      code = status == null ? -1 : Integer.parseInt(status.toString());
    } catch (NumberFormatException e) {
      // not a status: refused below
    }
    if (code >= 200 && code < 300) {
      becomeReady(ctx);
      return;
    }
    failure =
        EndpointPath.refused(
            authority,
            endpointPath,
            code < 0 ? String.valueOf(status) : HttpResponseStatus.valueOf(code).toString());
    ChannelFuture unused = ctx.close();
  }

  private void becomeReady(ChannelHandlerContext ctx) {
    connected = true;
    keepAlive.start(ctx);
    if (shutdownReason == null) {
      transportListener.transportReady();
    }
    List<H2ClientStream> ready = new ArrayList<>(waiting);
    waiting.clear();
    for (H2ClientStream s : ready) {
      s.begin(ctx);
    }
    maybeClose(); // shut down while connecting
  }

  /**
   * A call wants a stream: now, when the connection is up, or never if the transport is shut down.
   */
  void startStream(H2ClientStream s) {
    if (shutdownReason != null || terminated) {
      s.refuse(
          shutdownReason != null
              ? shutdownReason
              : Status.UNAVAILABLE.withDescription("connection closed"));
    } else if (!connected) {
      waiting.add(s);
    } else {
      s.begin(ctx);
    }
  }

  void forget(H2ClientStream s) {
    waiting.remove(s);
    waitingForStream.remove(s);
  }

  /** Every stream the server allows is in use: {@code s} waits for one to close. */
  void waitForFreeStream(H2ClientStream s) {
    waitingForStream.add(s);
  }

  /**
   * GOAWAY, before HTTP/2 closes the streams above {@code lastStreamId}: the channel hears first
   * (so that a retried call goes to a new connection), then those streams are marked as never
   * processed, so that their calls may be retried.
   */
  private void goAwayReceived(int lastStreamId, Status reason) {
    shutdown(reason);
    for (H2ClientStream s : new ArrayList<>(open)) {
      if (s.id() > lastStreamId) {
        s.refusedByGoAway();
      }
    }
  }

  /**
   * Why a stream closes without its trailers: the server's GOAWAY, and if the connection is gone
   * too, that it closed before the call ended (and the error that closed it); null if neither.
   */
  private Status closedBy() {
    if (goAway == null || ctx == null || ctx.channel().isActive()) {
      return goAway;
    }
    String closed = "; the connection closed before the call ended";
    return failure == null
        ? goAway.withDescription(goAway.description() + closed)
        : goAway.withDescription(goAway.description() + closed + ": " + failure).withCause(failure);
  }

  /** Sends RST_STREAM(CANCEL) for a stream this side still has open. */
  void resetIfOpen(int streamId) {
    Http2Stream stream = connection().stream(streamId);
    if (stream != null && stream.state() != Http2Stream.State.CLOSED && ctx.channel().isActive()) {
      ChannelFuture unused = resetStream(ctx, streamId, Http2Error.CANCEL.code(), ctx.newPromise());
      flushSoon();
    }
  }

  void returnBytes(int streamId, int n) {
    Http2Stream stream = streamId < 0 ? null : connection().stream(streamId);
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

  /** Takes no new streams; closes the connection when the open ones are done. */
  void shutdown(Status reason) {
    if (shutdownReason != null) {
      return;
    }
    shutdownReason = reason;
    transportListener.transportShutdown(reason);
    failWaiting(reason);
    maybeClose();
  }

  /** Ends every stream with {@code reason} and closes now. */
  void shutdownNow(Status reason) {
    shutdown(reason);
    for (H2ClientStream s : new ArrayList<>(open)) {
      s.end(reason); // also those whose trailers arrived but whose messages wait for the reader
    }
    gracefulShutdownTimeoutMillis(0);
    Channel ch = ctx != null ? ctx.channel() : channel; // no ctx: still in the TLS handshake
    if (ch != null) {
      ChannelFuture unused = ch.close(); // through this handler (if added): GOAWAY first
    }
  }

  /** The connection could not be made: the channel never became active. */
  void connectFailed(Throwable cause) {
    failure = cause;
    terminate();
  }

  private void failWaiting(Status reason) {
    List<H2ClientStream> failed = new ArrayList<>(waiting);
    waiting.clear();
    for (H2ClientStream s : failed) {
      s.refuse(reason); // never sent
    }
    waitingForStream.refuseAll(reason);
  }

  private void maybeClose() {
    if (shutdownReason != null
        && connected
        && connection().numActiveStreams() == 0
        && ctx.channel().isActive()) {
      ChannelFuture unused = ctx.channel().close(); // through this handler: GOAWAY first
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    keepAlive.onRead();
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    keepAlive.stop();
    super.channelInactive(ctx); // closes every stream: their calls end with UNAVAILABLE
    terminate();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    if (failure == null) {
      failure = cause;
    }
    log.debug("HTTP/2 connection to {} failed", authority, cause);
    super.exceptionCaught(ctx, cause);
  }

  private void terminate() {
    if (terminated) {
      return;
    }
    terminated = true;
    Status reason =
        Status.UNAVAILABLE.withDescription(
            "connection to " + authority + " closed" + (failure == null ? "" : ": " + failure));
    if (failure != null) {
      reason = reason.withCause(failure);
    }
    failWaiting(reason);
    if (shutdownReason == null) {
      shutdownReason = reason;
      transportListener.transportShutdown(reason);
    }
    transportListener.transportTerminated();
  }

  private void writabilityChanged(Http2Stream stream) {
    H2ClientStream s = stream.getProperty(streamKey);
    if (s != null) {
      s.writabilityChanged(isWritable(stream));
    }
  }

  private H2ClientStream stream(int streamId) {
    Http2Stream stream = connection().stream(streamId);
    return stream == null ? null : stream.getProperty(streamKey);
  }

  private final class Frames extends Http2FrameAdapter {
    @Override
    public void onSettingsRead(
        ChannelHandlerContext ctx, io.netty.handler.codec.http2.Http2Settings received) {
      serverSettingsArrived(ctx);
      waitingForStream.drainSoon(ctx, connection()); // the server may have raised its limit
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
      if (streamId == checkStreamId) {
        endpointAnswered(ctx, headers.status());
        return;
      }
      H2ClientStream s = stream(streamId);
      if (s != null) {
        s.onHeaders(headers, endStream);
      }
    }

    @Override
    public int onDataRead(
        ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
      H2ClientStream s = stream(streamId);
      if (s == null) {
        return data.readableBytes() + padding;
      }
      s.onData(data, endOfStream);
      return padding;
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
      if (streamId == checkStreamId) {
        endpointAnswered(ctx, "RST_STREAM " + Http2Error.valueOf(errorCode));
        return;
      }
      H2ClientStream s = stream(streamId);
      if (s != null) {
        s.reset(errorCode);
      }
    }

    @Override
    public void onGoAwayRead(
        ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
      // read before the connection hears of the GOAWAY (goAwayReceived): too_many_pings ends the
      // calls with its own status
      boolean unused =
          keepAlive.tooManyPings(errorCode, debugData, transportListener::tooManyPings);
    }
  }

  private static final class Builder
      extends AbstractHttp2ConnectionHandlerBuilder<H2ClientHandler, Builder> {
    private final TransportSettings settings;
    private final String authority;
    private final boolean gzip;
    private final boolean tls;
    private final String endpointPath;

    Builder(
        TransportSettings settings,
        String authority,
        boolean gzip,
        boolean tls,
        String endpointPath) {
      this.settings = settings;
      this.authority = authority;
      this.gzip = gzip;
      this.tls = tls;
      this.endpointPath = endpointPath;
      if (H2Limits.LOG_FRAMES) {
        frameLogger(H2Limits.frameLogger());
      }
      Http2Connection connection = new DefaultHttp2Connection(false);
      connection.remote().flowController(H2Limits.sendFlowController(connection));
      connection(connection);
      // Netty's flood guards, explicit so that a change of its defaults cannot drop them
      encoderEnforceMaxQueuedControlFrames(H2Limits.MAX_QUEUED_CONTROL_FRAMES);
      decoderEnforceMaxConsecutiveEmptyDataFrames(H2Limits.MAX_CONSECUTIVE_EMPTY_DATA_FRAMES);
      decoderEnforceMaxSmallContinuationFrames(H2Limits.MAX_SMALL_CONTINUATION_FRAMES);
      initialSettings(
          new Http2Settings()
              .pushEnabled(false)
              .initialWindowSize(H2Limits.STREAM_WINDOW)
              .maxHeaderListSize(H2Limits.maxHeaderListSize(settings)));
    }

    @Override
    protected H2ClientHandler build() {
      return super.build();
    }

    @Override
    protected H2ClientHandler build(
        Http2ConnectionDecoder decoder,
        Http2ConnectionEncoder encoder,
        Http2Settings initialSettings) {
      return new H2ClientHandler(
          decoder, encoder, initialSettings, settings, authority, gzip, tls, endpointPath);
    }
  }
}
