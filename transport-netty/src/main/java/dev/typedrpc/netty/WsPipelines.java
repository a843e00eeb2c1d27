package dev.typedrpc.netty;

import dev.typedrpc.spi.frame.FrameConnection;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportSettings;
import io.netty.channel.ChannelHandlerContext;
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
final class WsPipelines {
  /** The WebSocket subprotocol of version 1 of the typedrpc frame protocol. */
  static final String SUBPROTOCOL = "typedrpc.v1";

  /** Only upgrade requests and their responses are aggregated, and they are small. */
  static final int MAX_HTTP_MESSAGE = 8192;

  /**
   * What a frame may carry beyond {@code maxFrameSize} payload bytes: its header (type, flags, stream id). The
   * engine accepts {@code maxFrameSize} + 7; WebSocket messages may be a little larger than that, never smaller.
   */
  static final int FRAME_HEADER_ALLOWANCE = FrameConnection.MAX_FRAME_OVERHEAD;

  private WsPipelines() {}

  /** The largest WebSocket message (one typedrpc frame) accepted. */
  static int maxMessage(TransportSettings settings) {
    return settings.maxFrameSize() + FRAME_HEADER_ALLOWANCE;
  }

  /**
   * A server connection whose protocol its first bytes decide: gRPC over HTTP/2 (h2c with prior knowledge) or
   * HTTP/1.1 and WebSocket ({@link #server}).
   *
   * @param gzipResponses whether gRPC responses are gzip-compressed for clients that accept gzip
   */
  static void sniffingServer(
      ChannelPipeline p,
      String path,
      TransportSettings settings,
      ServerTransportListener listener,
      boolean gzipResponses,
      SseServer sse) {
    ProtocolSniffer.Configurator configurator =
        new ProtocolSniffer.Configurator() {
          @Override
          public void http2(ChannelHandlerContext sniffer) {
            sniffer.pipeline().addAfter(sniffer.name(), "h2", H2ServerHandler.create(settings, listener, gzipResponses));
          }

          @Override
          public void http1(ChannelHandlerContext sniffer) {
            server(sniffer.pipeline(), path, settings, listener, sse); // after the sniffer, which then leaves
          }
        };
    p.addLast("sniffer", new ProtocolSniffer(configurator, settings.connectTimeout().toMillis()));
  }

  /** HTTP codec, gate, WebSocket handshake and codec, message aggregation, then the engine. */
  static void server(
      ChannelPipeline p,
      String path,
      TransportSettings settings,
      ServerTransportListener listener,
      SseServer sse) {
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
    // upgrade requests are small; SSE POSTs carry a batch of frames
    p.addLast("http-aggregator", new HttpObjectAggregator(Math.max(MAX_HTTP_MESSAGE, SseServer.maxPostBody(settings))));
    p.addLast("http-gate", new HttpRequestGate(path, settings.connectTimeout().toMillis(), sse));
    p.addLast("websocket", new WebSocketServerProtocolHandler(config));
    p.addLast("ws-aggregator", new WebSocketFrameAggregator(maxMessage(settings)));
    p.addLast("frames", FrameHandler.server(ChannelFrameSink.of(p.channel()), settings, listener));
  }

  /** HTTP codec, WebSocket handshake and codec, message aggregation, then the engine's handler. */
  static void client(
      ChannelPipeline p, WsEndpoint target, TransportSettings settings, FrameHandler frames) {
    WebSocketClientProtocolConfig config =
        WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(target.uri())
            .subprotocol(SUBPROTOCOL)
            .version(WebSocketVersion.V13)
            .allowExtensions(false)
            .maxFramePayloadLength(maxMessage(settings))
            .handshakeTimeoutMillis(settings.connectTimeout().toMillis())
            .sendCloseFrame(null)
            .build();
    p.addLast("http", new HttpClientCodec());
    p.addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_MESSAGE));
    p.addLast("websocket", new WebSocketClientProtocolHandler(config));
    p.addLast("ws-aggregator", new WebSocketFrameAggregator(maxMessage(settings)));
    p.addLast("frames", frames);
  }
}
