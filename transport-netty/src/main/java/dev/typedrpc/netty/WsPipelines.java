package dev.typedrpc.netty;

import dev.typedrpc.spi.frame.FrameConnection;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the server and client WebSocket pipelines. */
final class WsPipelines {
  private static final Logger log = LoggerFactory.getLogger(WsPipelines.class);

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
   * A server connection whose protocol its first bytes decide: gRPC over HTTP/2 (h2c with prior knowledge),
   * HTTP/1.1 and WebSocket ({@link #server}), or TLS, after whose handshake ALPN decides between the two.
   *
   * @param gzipResponses whether gRPC responses are gzip-compressed for clients that accept gzip
   * @param tls the server's TLS context; null to close connections that start a TLS handshake
   */
  static void sniffingServer(
      ChannelPipeline p,
      String path,
      TransportSettings settings,
      ServerTransportListener listener,
      boolean gzipResponses,
      SseServer sse,
      SslContext tls) {
    ProtocolSniffer.Configurator configurator =
        new ProtocolSniffer.Configurator() {
          @Override
          public boolean tls(ChannelHandlerContext sniffer) {
            if (tls == null) {
              log.debug(
                  "closing the connection from {}: it starts a TLS handshake, and this server has no certificate"
                      + " (listen address parameters tls-cert and tls-key)",
                  sniffer.channel().remoteAddress());
              return false;
            }
            SslHandler ssl = tls.newHandler(sniffer.alloc());
            ssl.setHandshakeTimeoutMillis(Math.max(1, settings.connectTimeout().toMillis()));
            sniffer.pipeline().addAfter(sniffer.name(), "tls", ssl);
            sniffer
                .pipeline()
                .addAfter(
                    "tls",
                    "alpn",
                    new ServerAlpn(
                        ch -> ch.pipeline().addLast("h2", H2ServerHandler.create(settings, listener, gzipResponses)),
                        ch -> server(ch.pipeline(), path, settings, listener, sse)));
            return true;
          }

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

  /**
   * Chooses a TLS connection's pipeline by the protocol ALPN negotiated: {@code h2} gRPC over HTTP/2, anything
   * else (or none) HTTP/1.1. Messages read during the handshake wait for the chosen pipeline. A failed handshake
   * closes the connection, logged at debug: it is the client's problem (or a scanner's), not the server's.
   * Stateful: one per channel.
   */
  private static final class ServerAlpn extends ApplicationProtocolNegotiationHandler {
    private final Consumer<Channel> http2;
    private final Consumer<Channel> http1;

    ServerAlpn(Consumer<Channel> http2, Consumer<Channel> http1) {
      super(ApplicationProtocolNames.HTTP_1_1);
      this.http2 = http2;
      this.http1 = http1;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
      // added after this handler, which leaves when this returns
      if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
        http2.accept(ctx.channel());
      } else {
        http1.accept(ctx.channel());
      }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("TLS handshake with {} failed", ctx.channel().remoteAddress(), cause);
      ChannelFuture unused = ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
      if (cause instanceof IOException) { // e.g. reset by a client that gave up on the handshake
        log.debug("TLS connection from {} failed during the handshake", ctx.channel().remoteAddress(), cause);
        ChannelFuture unused = ctx.close();
        return;
      }
      super.exceptionCaught(ctx, cause);
    }
  }

  /**
   * [TLS,] HTTP codec, WebSocket handshake and codec, message aggregation, then the engine's handler.
   *
   * @param tls the client's TLS settings for {@code wss:}, or null
   */
  static void client(
      ChannelPipeline p, WsEndpoint target, Tls.Client tls, TransportSettings settings, FrameHandler frames) {
    WebSocketClientProtocolConfig config =
        WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(target.uri(tls != null))
            .subprotocol(SUBPROTOCOL)
            .version(WebSocketVersion.V13)
            .allowExtensions(false)
            .maxFramePayloadLength(maxMessage(settings))
            .handshakeTimeoutMillis(settings.connectTimeout().toMillis())
            .sendCloseFrame(null)
            .build();
    if (tls != null) {
      p.addLast("tls", tls.newHandler(p.channel(), target.host(), target.port(), settings));
    }
    p.addLast("http", new HttpClientCodec());
    p.addLast("http-aggregator", new HttpObjectAggregator(MAX_HTTP_MESSAGE));
    p.addLast("websocket", new WebSocketClientProtocolHandler(config));
    p.addLast("ws-aggregator", new WebSocketFrameAggregator(maxMessage(settings)));
    p.addLast("frames", frames);
  }
}
