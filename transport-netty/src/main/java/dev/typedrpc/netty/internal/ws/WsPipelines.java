package dev.typedrpc.netty.internal.ws;

import dev.typedrpc.netty.internal.ChannelFrameSink;
import dev.typedrpc.netty.internal.FrameHandler;
import dev.typedrpc.netty.internal.WsEndpoint;
import dev.typedrpc.netty.internal.server.HttpRequestGate;
import dev.typedrpc.netty.internal.sse.SseServer;
import dev.typedrpc.netty.internal.tls.Tls;
import dev.typedrpc.netty.internal.tls.TlsAnswerDetector;
import dev.typedrpc.netty.internal.web.Http1WebHandler;
import dev.typedrpc.netty.internal.web.WebDispatcher;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.spi.frame.FrameConnection;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

/** Builds the server and client WebSocket pipelines. */
public final class WsPipelines {

  /** The WebSocket subprotocol of version 1 of the typedrpc frame protocol. */
  public static final String SUBPROTOCOL = "typedrpc.v1";

  /** Only upgrade requests and their responses are aggregated, and they are small. */
  public static final int MAX_HTTP_MESSAGE = 8192;

  /**
   * What a frame may carry beyond {@code maxFrameSize} payload bytes: its header (type, flags,
   * stream id). The engine accepts {@code maxFrameSize} + 7; WebSocket messages may be a little
   * larger than that, never smaller.
   */
  public static final int FRAME_HEADER_ALLOWANCE = FrameConnection.MAX_FRAME_OVERHEAD;

  private WsPipelines() {}

  /** The largest WebSocket message (one typedrpc frame) accepted. */
  static int maxMessage(TransportSettings settings) {
    return settings.maxFrameSize() + FRAME_HEADER_ALLOWANCE;
  }

  /** HTTP codec, gate, WebSocket handshake and codec, message aggregation, then the engine. */
  public static void server(
      ChannelPipeline p,
      String path,
      TransportSettings settings,
      ServerTransportListener listener,
      SseServer sse) {
    server(p, path, settings, listener, sse, false);
  }

  /**
   * As {@link #server(ChannelPipeline, String, TransportSettings, ServerTransportListener,
   * SseServer)}; with {@code gzipResponses}, responses are gzipped for clients that accept it.
   */
  public static void server(
      ChannelPipeline p,
      String path,
      TransportSettings settings,
      ServerTransportListener listener,
      SseServer sse,
      boolean gzipResponses) {
    WebSocketServerProtocolConfig config =
        WebSocketServerProtocolConfig.newBuilder()
            .websocketPath(path)
            .subprotocols(SUBPROTOCOL)
            .checkStartsWith(false)
            .maxFramePayloadLength(maxMessage(settings))
            .allowExtensions(false)
            .handshakeTimeoutMillis(settings.connectTimeout().toMillis())
            .sendCloseFrame(null) // close frames are sent explicitly, never before the handshake
            .build();
    p.addLast("http", new HttpServerCodec());
    // upgrade requests are small; SSE POSTs carry a batch of frames, web requests a message
    int maxBody =
        Math.max(
            MAX_HTTP_MESSAGE,
            Math.max(SseServer.maxPostBody(settings), WebDispatcher.maxBody(settings)));
    p.addLast("http-aggregator", new HttpObjectAggregator(maxBody));
    WebDispatcher web = new WebDispatcher(settings, listener, gzipResponses, path);
    p.addLast(
        "http-gate",
        new HttpRequestGate(
            path,
            settings.connectTimeout().toMillis(),
            sse,
            settings.serverLimits(),
            web,
            listener));
    p.addLast("web", new Http1WebHandler(web, settings));
    p.addLast("websocket", new WebSocketServerProtocolHandler(config));
    p.addLast("ws-aggregator", new WebSocketFrameAggregator(maxMessage(settings)));
    p.addLast(
        "frames",
        FrameHandler.server(ChannelFrameSink.of(p.channel()), settings, listener, gzipResponses));
  }

  /**
   * [TLS,] HTTP codec, WebSocket handshake and codec, message aggregation, then the engine's
   * handler.
   *
   * @param tls the client's TLS settings for {@code wss:}, or null
   */
  static void client(
      ChannelPipeline p,
      WsEndpoint target,
      Tls.Client tls,
      TransportSettings settings,
      FrameHandler frames) {
    WebSocketClientProtocolConfig config =
        WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(target.uri(tls != null))
            .subprotocol(SUBPROTOCOL)
            .version(WebSocketVersion.V13)
            .allowExtensions(false)
            .maxFramePayloadLength(maxMessage(settings))
            .handshakeTimeoutMillis(settings.connectTimeout().toMillis())
            .sendCloseFrame(null)
            // not a browser page: an Origin made up from the target would meet the server's
            // origin allow-list, which is for pages
            .generateOriginHeader(false)
            .build();
    if (tls != null) {
      tls.addTo(p, target.host(), target.port(), settings);
    } else {
      p.addLast("tls-answer", new TlsAnswerDetector(target.authority(), "wss"));
    }
    p.addLast("http", new HttpClientCodec());
    p.addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_MESSAGE));
    p.addLast("upgrade-refusal", new UpgradeRefusalReader(target));
    p.addLast("websocket", new WebSocketClientProtocolHandler(config));
    p.addLast("ws-aggregator", new WebSocketFrameAggregator(maxMessage(settings)));
    p.addLast("frames", frames);
  }
}
