package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.Status;
import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.frame.ConnectionLiveness;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DecoratingHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Liveness of one HTTP/2 connection, gRPC's: keep-alive PINGs (HTTP/2 PING frames) and, on a
 * server, the ping policy (GOAWAY {@code ENHANCE_YOUR_CALM} "too_many_pings") and the idle and age
 * limits (a graceful GOAWAY, then a close after the grace), all run by {@link ConnectionLiveness}
 * as on the frame transports. Its handler tells it when the connection starts, reads and ends; it
 * hears the streams open and close itself. Confined to the channel's event loop.
 */
final class H2KeepAlive {
  private static final Logger log = LoggerFactory.getLogger(H2KeepAlive.class);

  /** The payload of our keep-alive PINGs (any 8 bytes do: every read proves the peer alive). */
  private static final long PING_DATA = 0x6b656570616c6976L;

  private final BatchFlushingHttp2Handler handler;
  private final KeepAliveSettings settings;
  private final boolean server;
  private final Consumer<Status> closeNow;

  /** A server's graceful GOAWAY in two steps, with the reason as debug data (null on a client). */
  private final Consumer<String> drain;

  private ChannelHandlerContext ctx;
  private ConnectionLiveness liveness;

  /** A GOAWAY of ours went out: the connection closes once its streams end. */
  private boolean draining;

  private boolean closing;

  private H2KeepAlive(
      BatchFlushingHttp2Handler handler,
      KeepAliveSettings settings,
      boolean server,
      Consumer<Status> closeNow,
      Consumer<String> drain) {
    this.handler = handler;
    this.settings = settings;
    this.server = server;
    this.closeNow = closeNow;
    this.drain = drain;
    handler.connection().addListener(new Streams());
  }

  /**
   * A client's: PINGs if the settings turn them on.
   *
   * @param closeNow closes the connection, failing its calls with the status
   */
  static H2KeepAlive client(
      BatchFlushingHttp2Handler handler, KeepAliveSettings settings, Consumer<Status> closeNow) {
    return new H2KeepAlive(handler, settings, false, closeNow, null);
  }

  /**
   * A server's; call after the handler set its frame listener, which this one wraps to see PINGs.
   * If the handler's encoder is {@link #watchResponses watched}, responses reset the ping policy.
   *
   * @param drain sends the idle or age GOAWAY as the server's drain does, in two steps ({@link
   *     H2GracefulShutdown}), with the reason as debug data; the connection closes once its streams
   *     end, or at {@code closeNow} when the grace is over
   */
  static H2KeepAlive server(
      BatchFlushingHttp2Handler handler,
      KeepAliveSettings settings,
      Consumer<Status> closeNow,
      Consumer<String> drain) {
    H2KeepAlive k = new H2KeepAlive(handler, settings, true, closeNow, drain);
    handler
        .decoder()
        .frameListener(
            new Http2FrameListenerDecorator(handler.decoder().frameListener()) {
              @Override
              public void onPingRead(ChannelHandlerContext ctx, long data) throws Http2Exception {
                super.onPingRead(ctx, data);
                k.pingRead();
              }
            });
    if (handler.encoder() instanceof ResponseWatch w) {
      w.keepAlive = k;
    }
    return k;
  }

  /**
   * An encoder that tells the server's keep-alive when headers or messages go out: a client may
   * ping after each (gRPC-Java's clients send a PING per window of data to size their windows).
   */
  static Http2ConnectionEncoder watchResponses(Http2ConnectionEncoder encoder) {
    return new ResponseWatch(encoder);
  }

  /** The connection is up (a client: the server's SETTINGS arrived). Idempotent. */
  void start(ChannelHandlerContext ctx) {
    if (liveness != null || closing) {
      return;
    }
    this.ctx = ctx;
    ConnectionLiveness.Actions actions = new Actions();
    liveness =
        server
            ? ConnectionLiveness.server(settings, ctx.executor(), actions)
            : ConnectionLiveness.client(settings, ctx.executor(), actions);
    liveness.start();
    if (handler.connection().numActiveStreams() > 0) {
      liveness.onCallsActive();
    }
  }

  /** Bytes arrived from the peer. */
  void onRead() {
    if (liveness != null) {
      liveness.onDataReceived();
    }
  }

  /** The connection is gone. Idempotent. */
  void stop() {
    closing = true;
    if (liveness != null) {
      liveness.stop();
    }
  }

  /**
   * A client read a GOAWAY: one that says it pinged too often is reported to {@code tooManyPings},
   * and the connection's calls fail with {@code RESOURCE_EXHAUSTED}, as on the frame transports and
   * in gRPC-Java; anything else is left to the caller.
   */
  boolean tooManyPings(long errorCode, ByteBuf debugData, Runnable tooManyPings) {
    if (errorCode != Http2Error.ENHANCE_YOUR_CALM.code()
        || !ConnectionLiveness.TOO_MANY_PINGS.equals(
            debugData.toString(StandardCharsets.US_ASCII))) {
      return false;
    }
    log.warn("the server sent GOAWAY too_many_pings: this client pings too often");
    tooManyPings.run();
    closeNow.accept(
        Status.RESOURCE_EXHAUSTED.withDescription(
            ConnectionLiveness.TOO_MANY_PINGS + ": the server says this client pings too often"));
    return true;
  }

  private void pingRead() {
    if (liveness == null || closing || liveness.pingAcceptable()) {
      return;
    }
    log.debug("{} pings too often: GOAWAY too_many_pings", ctx.channel().remoteAddress());
    goAway(Http2Error.ENHANCE_YOUR_CALM, ConnectionLiveness.TOO_MANY_PINGS);
    close(
        Status.RESOURCE_EXHAUSTED.withDescription(
            ConnectionLiveness.TOO_MANY_PINGS
                + ": the client pinged more often than every "
                + settings.permitKeepAliveTime()
                + (settings.permitKeepAliveWithoutCalls() ? "" : " or without calls")));
  }

  private void goAway(Http2Error error, String debug) {
    if (!ctx.channel().isActive()) {
      return;
    }
    ChannelFuture unused =
        handler.goAway(
            ctx,
            handler.connection().remote().lastStreamCreated(),
            error.code(),
            ByteBufUtil.writeAscii(ctx.alloc(), debug),
            ctx.newPromise());
    handler.flushSoon();
  }

  private void close(Status status) {
    if (!closing) {
      closing = true;
      liveness.stop();
      closeNow.accept(status);
    }
  }

  /** Closes the connection once a GOAWAY of ours went out and its last stream ended. */
  private void closeIfDrained() {
    if (draining && handler.connection().numActiveStreams() == 0 && ctx.channel().isActive()) {
      ChannelFuture unused = ctx.channel().close(); // through the handler: GOAWAY already sent
    }
  }

  private final class Actions implements ConnectionLiveness.Actions {
    @Override
    public void ping() {
      if (closing || !ctx.channel().isActive()) {
        return;
      }
      ChannelFuture unused = handler.encoder().writePing(ctx, false, PING_DATA, ctx.newPromise());
      handler.flushSoon();
    }

    @Override
    public void goAway(Status status) {
      if (closing || draining || handler.connection().goAwaySent()) {
        return;
      }
      log.debug("{} with {}: GOAWAY", status.description(), ctx.channel().remoteAddress());
      if (drain != null) {
        // two GOAWAYs with a PING between: a stream the client opened before it read the first
        // is still taken, none is refused in the race; the drain closes the connection once the
        // streams the second GOAWAY names have ended
        drain.accept(status.description());
        return;
      }
      draining = true;
      H2KeepAlive.this.goAway(Http2Error.NO_ERROR, status.description());
      closeIfDrained();
    }

    @Override
    public void close(Status status) {
      log.debug("{} with {}: closing", status.description(), ctx.channel().remoteAddress());
      H2KeepAlive.this.close(status);
    }
  }

  /** The first stream opened and the last one closed, as the liveness counts calls. */
  private final class Streams extends Http2ConnectionAdapter {
    @Override
    public void onStreamActive(Http2Stream stream) {
      if (liveness != null && handler.connection().numActiveStreams() == 1) {
        liveness.onCallsActive();
      }
    }

    @Override
    public void onStreamClosed(Http2Stream stream) {
      Http2Connection c = handler.connection();
      if (liveness != null && c.numActiveStreams() == 0) {
        liveness.onCallsIdle();
        closeIfDrained();
      }
    }
  }

  /** The server's encoder, telling the ping policy about every HEADERS and DATA it writes. */
  private static final class ResponseWatch extends DecoratingHttp2ConnectionEncoder {
    private H2KeepAlive keepAlive;

    ResponseWatch(Http2ConnectionEncoder delegate) {
      super(delegate);
    }

    private void sent() {
      H2KeepAlive k = keepAlive;
      if (k != null && k.liveness != null) {
        k.liveness.onResponseSent();
      }
    }

    @Override
    public ChannelFuture writeHeaders(
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int padding,
        boolean endStream,
        ChannelPromise promise) {
      sent();
      return super.writeHeaders(ctx, streamId, headers, padding, endStream, promise);
    }

    @Override
    public ChannelFuture writeHeaders(
        ChannelHandlerContext ctx,
        int streamId,
        Http2Headers headers,
        int streamDependency,
        short weight,
        boolean exclusive,
        int padding,
        boolean endStream,
        ChannelPromise promise) {
      sent();
      return super.writeHeaders(
          ctx, streamId, headers, streamDependency, weight, exclusive, padding, endStream, promise);
    }

    @Override
    public ChannelFuture writeData(
        ChannelHandlerContext ctx,
        int streamId,
        ByteBuf data,
        int padding,
        boolean endStream,
        ChannelPromise promise) {
      sent();
      return super.writeData(ctx, streamId, data, padding, endStream, promise);
    }
  }
}
