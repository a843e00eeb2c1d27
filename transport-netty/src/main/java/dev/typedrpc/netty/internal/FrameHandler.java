package dev.typedrpc.netty.internal;

import dev.typedrpc.netty.internal.tls.Tls;
import dev.typedrpc.netty.internal.ws.WsPipelines;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.spi.frame.FrameConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.nio.ByteBuffer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a WebSocket pipeline: feeds the {@link FrameConnection} engine the handshake,
 * each binary message, writability changes and the end of the channel (exactly once). Stateful: one
 * per channel.
 */
public final class FrameHandler extends ChannelInboundHandlerAdapter {
  /** A server channel's engine, set once its handshake completed; read on the channel's loop. */
  public static final AttributeKey<FrameConnection> CONNECTION =
      AttributeKey.valueOf(FrameHandler.class, "connection");

  private static final Logger log = LoggerFactory.getLogger(FrameHandler.class);

  /**
   * Frames up to this size are copied into {@link #INBOUND} (the default frame limit plus its
   * header).
   */
  private static final int MAX_COPIED = 16 * 1024 + FrameConnection.MAX_FRAME_OVERHEAD;

  /**
   * The heap buffer copied inbound frames are read from, one per thread (an event loop), not per
   * channel: an idle connection holds none, where a buffer per channel cost 4 KiB each (40 MiB of
   * heap for 10,000 idle connections). Grows to at most {@link #MAX_COPIED} bytes. Taken out of the
   * slot for one {@code onFrame} call and put back after it, so a read nested in another on the
   * same thread gets a buffer of its own.
   */
  private static final FastThreadLocal<ByteBuffer[]> INBOUND =
      new FastThreadLocal<>() {
        @Override
        protected ByteBuffer[] initialValue() {
          return new ByteBuffer[1];
        }
      };

  private final ChannelFrameSink sink;
  private final Supplier<FrameConnection> opener;
  private FrameConnection connection;
  private Throwable failure;
  private boolean closed;

  /** A frame arrived: the server's handshake deadline no longer applies. */
  private boolean established;

  /**
   * Client only: whether the server's SETTINGS arrived, and how long to wait for them after the
   * handshake.
   */
  private final BooleanSupplier ready;

  private final long settingsTimeoutMillis;

  private FrameHandler(
      ChannelFrameSink sink,
      FrameConnection connection,
      Supplier<FrameConnection> opener,
      BooleanSupplier ready,
      long settingsTimeoutMillis) {
    this.sink = sink;
    this.connection = connection;
    this.opener = opener;
    this.ready = ready;
    this.settingsTimeoutMillis = settingsTimeoutMillis;
  }

  /**
   * A client's engine exists before its channel connects, so failures to connect reach it too.
   *
   * @param ready whether the engine has the server's SETTINGS; without them {@code
   *     settingsTimeoutMillis} after the WebSocket handshake, the connection fails
   */
  public static FrameHandler client(
      ChannelFrameSink sink,
      FrameConnection connection,
      BooleanSupplier ready,
      long settingsTimeoutMillis) {
    return new FrameHandler(sink, connection, () -> connection, ready, settingsTimeoutMillis);
  }

  /**
   * A server's engine is created when the handshake completes: no engine for plain HTTP requests.
   */
  public static FrameHandler server(
      ChannelFrameSink sink, TransportSettings settings, ServerTransportListener listener) {
    return server(sink, settings, listener, false);
  }

  /** As above; with {@code gzipResponses}, responses are gzipped for clients that accept it. */
  public static FrameHandler server(
      ChannelFrameSink sink,
      TransportSettings settings,
      ServerTransportListener listener,
      boolean gzipResponses) {
    return new FrameHandler(
        sink, null, () -> FrameConnection.server(sink, settings, listener, gzipResponses), null, 0);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      open(ctx);
      awaitSettings(ctx);
    } else if (evt instanceof HandshakeComplete handshake) {
      if (WsPipelines.SUBPROTOCOL.equals(handshake.selectedSubprotocol())) {
        open(ctx);
      } else {
        closeWith(ctx, WebSocketCloseStatus.PROTOCOL_ERROR); // the client did not offer typedrpc.v1
      }
    } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
      recordFailure(new WebSocketClientHandshakeException("WebSocket handshake timed out"));
    } else if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
      // (wss: clients) before the exception that follows it, which would name the failure less
      // clearly
      recordFailure(Tls.describe(tls.cause(), sink.peer()));
    }
    ctx.fireUserEventTriggered(evt);
  }

  /** Bounds the client's wait for the server's SETTINGS after the WebSocket handshake. */
  private void awaitSettings(ChannelHandlerContext ctx) {
    ScheduledFuture<?> unused =
        ctx.executor()
            .schedule(
                () -> {
                  if (!closed && !ready.getAsBoolean()) {
                    exceptionCaught(
                        ctx,
                        new NamedFailure(
                            "no SETTINGS from "
                                + sink.peer()
                                + " within "
                                + settingsTimeoutMillis
                                + " ms of the WebSocket handshake (is it a typedrpc server?)"));
                  }
                },
                settingsTimeoutMillis,
                TimeUnit.MILLISECONDS);
  }

  private void open(ChannelHandlerContext ctx) {
    sink.opened();
    if (connection == null) {
      connection = opener.get();
      ctx.channel().attr(CONNECTION).set(connection);
    }
    connection.onOpen();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof BinaryWebSocketFrame frame) {
        if (connection != null && !closed) {
          deliver(frame.content());
          if (!established) {
            // a server's first frame is the client's SETTINGS (the engine closes the connection
            // if it is anything else): the handshake is done
            established = true;
            HandshakeDeadline.complete(ctx.channel());
          }
        }
      } else if (msg instanceof TextWebSocketFrame) {
        closeWith(
            ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE); // typedrpc frames are binary only
      }
    } finally {
      ReferenceCountUtil.release(msg); // this handler is the last to touch any inbound message
    }
  }

  /**
   * Hands the frame to the engine as a {@link ByteBuffer} it reads during one {@code onFrame} call
   * (not retained). A frame of up to {@link #MAX_COPIED} bytes is copied into the thread's reused
   * heap buffer: protobuf decodes a heap buffer in place, while from a direct one it would copy
   * into a new array per message anyway, and the per-frame {@code nioBuffer()} view is gone too.
   * Larger frames are handed over as a view.
   */
  private void deliver(ByteBuf content) {
    int length = content.readableBytes();
    if (length > MAX_COPIED) {
      connection.onFrame(content.nioBuffer());
      return;
    }
    ByteBuffer[] slot = INBOUND.get();
    ByteBuffer inbound = slot[0];
    slot[0] = null; // taken until onFrame returns
    if (inbound == null || inbound.capacity() < length) {
      inbound = ByteBuffer.allocate(Math.max(length, Math.min(MAX_COPIED, 4096)));
    }
    content.getBytes(content.readerIndex(), inbound.array(), 0, length);
    inbound.clear().limit(length);
    try {
      connection.onFrame(inbound);
    } finally {
      slot[0] = inbound;
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (connection != null && !closed) {
      connection.onReadComplete(); // one flush for everything the batch's frames wrote
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (connection != null && !closed) {
      connection.onWritabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    recordFailure(cause);
    log.debug("closing WebSocket connection to {}", sink.peer(), cause);
    ChannelFuture unused = ctx.close(); // channelInactive follows and reports the failure
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    terminate(failure); // null: an orderly close
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    sink.closed();
  }

  /**
   * A client could not connect: the channel never became active, so {@link #channelInactive} never
   * comes.
   */
  public void connectFailed(Throwable cause) {
    recordFailure(cause);
    terminate(cause);
  }

  private void recordFailure(Throwable cause) {
    if (failure == null) {
      failure = cause;
    }
  }

  private void terminate(Throwable cause) {
    if (closed) {
      return;
    }
    closed = true;
    sink.closed();
    if (connection != null) {
      connection.onClosed(cause);
    }
  }

  private void closeWith(ChannelHandlerContext ctx, WebSocketCloseStatus status) {
    if (!closed) {
      sink.closed(); // nothing else is written after the close frame
      ctx.channel()
          .writeAndFlush(new CloseWebSocketFrame(status))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }
}
