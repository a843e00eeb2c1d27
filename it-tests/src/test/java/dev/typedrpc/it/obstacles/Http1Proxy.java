package dev.typedrpc.it.obstacles;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An HTTP/1.1 proxy in front of one server, as corporate proxies and load balancers are: it parses
 * every request of a connection, refuses what its {@link Policy} does not let through with an HTTP
 * error, and relays the rest as HTTP messages, streaming (a response is never buffered whole, so
 * Server-Sent Events flow through). What it does to a connection that opens with the HTTP/2 preface
 * depends on the policy. Thread-safe.
 */
public final class Http1Proxy extends LoopbackProxy {
  /** What gets through. */
  public enum Policy {
    /**
     * Refuses WebSocket upgrades with 403 and relays every other HTTP/1.x request. It parses
     * HTTP/1, so an HTTP/2 preface ({@code PRI * HTTP/2.0}) reads as a request of another HTTP
     * version: 505, then it closes.
     */
    NO_WEBSOCKET,
    /**
     * Refuses WebSocket upgrades with 403 and relays other HTTP/1.x requests, but hands connections
     * that open with the HTTP/2 preface (h2c with prior knowledge) through untouched, as an
     * HTTP/2-aware proxy does.
     */
    NO_WEBSOCKET_TUNNELS_H2,
    /**
     * A strict HTTP/1.1 load balancer: closes a connection that opens with the HTTP/2 preface
     * without a word, refuses any request with an {@code Upgrade} header (403) or of another HTTP
     * version (505).
     */
    HTTP1_ONLY
  }

  /** The HTTP/2 client connection preface (RFC 9113, section 3.4). */
  static final byte[] H2_PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final Policy policy;

  private Http1Proxy(InetSocketAddress upstream, Policy policy) {
    super(upstream);
    this.policy = policy;
  }

  public static Http1Proxy start(InetSocketAddress upstream, Policy policy)
      throws InterruptedException {
    Http1Proxy proxy = new Http1Proxy(upstream, policy);
    proxy.bind();
    return proxy;
  }

  @Override
  void initClient(Channel client) {
    client.pipeline().addLast("sniffer", new PrefaceSniffer());
  }

  /** Looks at a connection's first bytes: the HTTP/2 preface, or HTTP/1 for the request parser. */
  private final class PrefaceSniffer extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      int n = Math.min(in.readableBytes(), H2_PREFACE.length);
      for (int i = 0; i < n; i++) {
        if (in.getByte(in.readerIndex() + i) != H2_PREFACE[i]) {
          http1(ctx);
          return;
        }
      }
      if (n < H2_PREFACE.length) {
        return; // so far it could be either: wait for more
      }
      switch (policy) {
        case HTTP1_ONLY -> {
          in.skipBytes(in.readableBytes());
          ctx.close();
        }
        case NO_WEBSOCKET_TUNNELS_H2 -> {
          RawRelay.takeOver(
              ctx, upstream, RawRelay.UNLIMITED, in.readRetainedSlice(in.readableBytes()));
          ctx.pipeline().remove(this);
        }
        case NO_WEBSOCKET -> http1(ctx); // the HTTP/1 parser sees a request of version HTTP/2.0
      }
    }

    /** Hands the connection, with the bytes read so far, to the HTTP/1.1 parser and the relay. */
    private void http1(ChannelHandlerContext ctx) {
      ctx.pipeline()
          .addAfter(ctx.name(), "http-codec", new HttpServerCodec())
          .addAfter("http-codec", "http-relay", new HttpRelay(upstream, policy));
      ctx.pipeline().remove(this);
    }
  }
}
