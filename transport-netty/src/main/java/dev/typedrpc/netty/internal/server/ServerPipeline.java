package dev.typedrpc.netty.internal.server;

import dev.typedrpc.netty.internal.HandshakeDeadline;
import dev.typedrpc.netty.internal.grpc.H2OutboundWatch;
import dev.typedrpc.netty.internal.grpc.H2ServerHandler;
import dev.typedrpc.netty.internal.sse.SseServer;
import dev.typedrpc.netty.internal.ws.WsPipelines;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a server connection's pipeline on the shared port: sniffing, then TLS and ALPN, HTTP/2 or
 * HTTP/1.1.
 */
final class ServerPipeline {
  private static final Logger log = LoggerFactory.getLogger(ServerPipeline.class);

  private ServerPipeline() {}

  /**
   * A server connection whose protocol its first bytes decide: gRPC over HTTP/2 (h2c with prior
   * knowledge), HTTP/1.1 and WebSocket ({@link WsPipelines#server}), or TLS, after whose handshake
   * ALPN decides between the two.
   *
   * @param gzipResponses whether gRPC responses are gzip-compressed for clients that accept gzip
   * @param tls the server's TLS context; null to close connections that start a TLS handshake
   */
  static void configure(
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
                        ch -> {
                          ch.pipeline().addFirst("outbound-watch", new H2OutboundWatch(settings));
                          ch.pipeline()
                              .addLast(
                                  "h2",
                                  H2ServerHandler.create(settings, listener, gzipResponses, path));
                        },
                        ch ->
                            WsPipelines.server(
                                ch.pipeline(), path, settings, listener, sse, gzipResponses)));
            return true;
          }

          @Override
          public void http2(ChannelHandlerContext sniffer) {
            sniffer.pipeline().addFirst("outbound-watch", new H2OutboundWatch(settings));
            sniffer
                .pipeline()
                .addAfter(
                    sniffer.name(),
                    "h2",
                    H2ServerHandler.create(settings, listener, gzipResponses, path));
          }

          @Override
          public void http1(ChannelHandlerContext sniffer) {
            WsPipelines.server(
                sniffer.pipeline(),
                path,
                settings,
                listener,
                sse,
                gzipResponses); // after the sniffer, which then leaves
          }
        };
    HandshakeDeadline.start(p.channel(), Math.max(1, settings.connectTimeout().toMillis()));
    p.addLast("sniffer", new ProtocolSniffer(configurator, settings.connectTimeout().toMillis()));
  }

  /**
   * Chooses a TLS connection's pipeline by the protocol ALPN negotiated: {@code h2} gRPC over
   * HTTP/2, anything else (or none) HTTP/1.1. Messages read during the handshake wait for the
   * chosen pipeline. A failed handshake closes the connection, logged at debug: it is the client's
   * problem (or a scanner's), not the server's. Stateful: one per channel.
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
        log.debug(
            "TLS connection from {} failed during the handshake",
            ctx.channel().remoteAddress(),
            cause);
        ChannelFuture unused = ctx.close();
        return;
      }
      super.exceptionCaught(ctx, cause);
    }
  }
}
