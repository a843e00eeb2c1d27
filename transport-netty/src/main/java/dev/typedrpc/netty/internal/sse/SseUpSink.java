package dev.typedrpc.netty.internal.sse;

import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.IoGroups;
import dev.typedrpc.netty.internal.WsEndpoint;
import dev.typedrpc.netty.internal.tls.Tls;
import dev.typedrpc.netty.internal.tls.TlsAnswerDetector;
import dev.typedrpc.netty.internal.ws.WsPipelines;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.spi.frame.FrameConnection;
import dev.typedrpc.spi.frame.FrameSink;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The client end of an SSE session, and its {@link FrameSink}: opens the event stream, learns the
 * session id, then sends queued frames in POSTs of a few hundred KiB at most, one POST at a time
 * (the next waits for the 204 of the last), so frames reach the server in order. A closed POST
 * connection is reopened for the next batch. Confined to one event loop.
 */
final class SseUpSink implements FrameSink {
  /** How long {@link #close} waits for frames still queued to be posted. */
  private static final long CLOSE_FLUSH_NANOS = TimeUnit.SECONDS.toNanos(2);

  /**
   * How long a connection whose POSTs failed waits for its event stream to end before it is closed:
   * a server that ends a session closes its POST connections as well, and what it sent before (the
   * answers of calls it ran) may still be on the event stream's way.
   */
  static final long POST_LOSS_GRACE_MILLIS = 2000;

  private static final long HIGH_WATER = 256 * 1024;
  private static final long LOW_WATER = 128 * 1024;

  private final EventLoop loop;
  private final WsEndpoint target;
  private final Tls.Client tls;
  private final TransportSettings settings;
  private final int maxPostBody;
  FrameConnection connection;
  private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
  private long pendingBytes;
  private boolean unwritable;
  private Channel events;
  private Channel posts;
  private boolean postsConnecting;
  private boolean postInFlight;
  private String session;
  private boolean ended;

  /** Why POSTs can no longer be sent; null while they can. */
  private Throwable postsLost;

  private ScheduledFuture<?> postLossTimer;

  /** The stream id of the last CALL_START put in a POST; calls above it were never posted. */
  private int lastPostedCallStart;

  /** When {@link #close} stops waiting for queued frames to be posted; 0 until it is called. */
  private long closeDeadline;

  private ScheduledFuture<?> handshakeTimer;

  SseUpSink(EventLoop loop, WsEndpoint target, Tls.Client tls, TransportSettings settings) {
    this.loop = loop;
    this.target = target;
    this.tls = tls;
    this.settings = settings;
    this.maxPostBody = SseServer.maxPostBody(settings);
  }

  /** Opens the event stream. */
  void connect() {
    long timeout = settings.connectTimeout().toMillis();
    handshakeTimer =
        loop.schedule(
            () ->
                fail(
                    Tls.pendingHandshake(
                        events,
                        new IOException(
                            "no SSE session from "
                                + target.authority()
                                + " within "
                                + timeout
                                + " ms"))),
            timeout,
            TimeUnit.MILLISECONDS);
    ChannelFuture connect =
        bootstrap(new SseEventHandler(this, settings)).connect(target.host(), target.port());
    events = connect.channel();
    connect.addListener(
        done -> {
          if (!done.isSuccess()) {
            fail(done.cause());
            return;
          }
          FullHttpRequest get = request(HttpMethod.GET, target.path() + "/sse", null);
          get.headers().set(HttpHeaderNames.ACCEPT, "text/event-stream");
          get.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
          ChannelFuture unused = events.writeAndFlush(get);
        });
  }

  private Bootstrap bootstrap(ChannelHandler last) {
    return new Bootstrap()
        .group(loop)
        .channel(IoGroups.socketChannelType())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.max(1, settings.connectTimeout().toMillis()))
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, IoGroups.WATER_MARK)
        .handler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                if (tls != null) {
                  tls.addTo(ch.pipeline(), target.host(), target.port(), settings);
                } else {
                  ch.pipeline().addLast(new TlsAnswerDetector(target.authority(), "sses"));
                }
                ch.pipeline().addLast(new HttpClientCodec());
                if (last instanceof PostResponses) {
                  ch.pipeline().addLast(new HttpObjectAggregator(WsPipelines.MAX_HTTP_MESSAGE));
                }
                ch.pipeline().addLast(last);
              }
            });
  }

  private FullHttpRequest request(HttpMethod method, String uri, ByteBuf body) {
    FullHttpRequest r =
        body == null
            ? new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri)
            : new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, body);
    r.headers().set(HttpHeaderNames.HOST, target.authority());
    if (body != null) {
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    }
    return r;
  }

  /** The server named the session: frames can be sent. */
  void onSession(String id) {
    if (session != null) {
      fail(new IOException("the server named a second SSE session"));
      return;
    }
    session = id;
    handshakeTimer.cancel(false);
    connection.onOpen();
    maybePost();
  }

  /** A frame from the event stream. */
  void onFrame(ByteBuffer frame) {
    if (session == null) {
      fail(new IOException("SSE frame before the session event"));
      return;
    }
    connection.onFrame(frame);
  }

  /** The event stream failed or the server ended it: the connection is over. */
  void fail(Throwable cause) {
    if (ended) {
      return;
    }
    ended = true;
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
    }
    if (postLossTimer != null) {
      postLossTimer.cancel(false);
    }
    if (cause == null) {
      cause = postsLost; // the event stream ended after the POSTs failed: that failure says why
    }
    pending.clear();
    closeChannels();
    connection.onClosed(cause == null ? null : Tls.describe(cause, target.authority()));
  }

  private void closeChannels() {
    if (events != null) {
      var unused = events.close();
    }
    if (posts != null) {
      var unused = posts.close();
    }
  }

  /**
   * A POST failed (its connection closed before the answer, the answer was not 204, the connection
   * could not be opened): no more frames can be sent, and those of the failed POST may or may not
   * have reached the server. The event stream still says what the server did: a server that ended
   * the session ends it too, after the answers it sent before. Calls those answers finish end as
   * they should; the connection closes when the event stream ends, or after {@link
   * #POST_LOSS_GRACE_MILLIS} if it does not. The connection takes no new calls, and calls whose
   * CALL_START was still queued fail at once as never processed (the channel retries them on a new
   * connection), as after a server's GOAWAY.
   */
  private void postFailed(Throwable cause) {
    if (ended || postsLost != null) {
      return;
    }
    if (session == null || events == null || !events.isActive()) {
      fail(cause);
      return;
    }
    postsLost = cause;
    postInFlight = false;
    pending.clear();
    pendingBytes = 0;
    postLossTimer = loop.schedule(() -> fail(cause), POST_LOSS_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    connection.sendsLost(
        lastPostedCallStart,
        Status.UNAVAILABLE.withDescription(
            "SSE POST to " + target.authority() + " failed: " + cause.getMessage()));
  }

  // ------------------------------------------------------------------ POSTs

  private void maybePost() {
    if (ended || postsLost != null || postInFlight || pending.isEmpty() || session == null) {
      return;
    }
    if (posts == null || !posts.isActive()) {
      connectPosts();
      return;
    }
    ByteBuf body = posts.alloc().buffer();
    while (!pending.isEmpty()) {
      ByteBuffer next = pending.peek();
      if (body.isReadable() && body.readableBytes() + 4 + next.remaining() > maxPostBody) {
        break;
      }
      pending.poll();
      pendingBytes -= next.remaining();
      int started = FrameConnection.highestCallStart(next);
      if (started > 0) {
        lastPostedCallStart = started;
      }
      body.writeInt(next.remaining()).writeBytes(next);
    }
    postInFlight = true;
    posts
        .writeAndFlush(request(HttpMethod.POST, target.path() + "/sse/" + session, body))
        .addListener(
            done -> {
              if (!done.isSuccess()) {
                postFailed(done.cause());
              }
            });
    if (unwritable && pendingBytes < LOW_WATER) {
      unwritable = false;
      connection.onWritabilityChanged();
    }
  }

  private void connectPosts() {
    if (postsConnecting) {
      return;
    }
    postsConnecting = true;
    ChannelFuture connect = bootstrap(new PostResponses()).connect(target.host(), target.port());
    connect.addListener(
        done -> {
          postsConnecting = false;
          if (!done.isSuccess()) {
            postFailed(done.cause());
            return;
          }
          posts = connect.channel();
          maybePost();
        });
  }

  /** Reads the answers to POSTs: 204 lets the next one go; anything else ends the connection. */
  private final class PostResponses extends SimpleChannelInboundHandler<FullHttpResponse> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      postInFlight = false;
      if (!response.status().equals(HttpResponseStatus.NO_CONTENT)) {
        postFailed(new IOException("the server answered a POST with " + response.status()));
        return;
      }
      maybePost();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (postInFlight) {
        postFailed(new IOException("POST connection closed before the server answered"));
      }
      // an idle POST connection that closed is reopened for the next batch
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
        postFailed(tls.cause()); // before the close that follows, which would not say why
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      postFailed(cause);
    }
  }

  // ------------------------------------------------------------------ FrameSink

  @Override
  public ByteBuffer allocate(int size) {
    return ByteBuffer.allocate(size);
  }

  @Override
  public void write(ByteBuffer frame) {
    frame.flip();
    if (ended || postsLost != null) {
      return;
    }
    pending.add(frame);
    pendingBytes += frame.remaining();
    if (pendingBytes >= HIGH_WATER) {
      unwritable = true;
    }
  }

  @Override
  public void discard(ByteBuffer frame) {}

  @Override
  public void flush() {
    maybePost();
  }

  @Override
  public boolean isWritable() {
    return !unwritable;
  }

  @Override
  public void close() {
    if (ended) {
      return;
    }
    long now = System.nanoTime();
    if (closeDeadline == 0) {
      closeDeadline = now + CLOSE_FLUSH_NANOS;
    }
    // frames still queued (e.g. a GOAWAY) go first, unless the server does not take them (a dead or
    // black-holed
    // server never answers a POST); then both connections close
    if ((!pending.isEmpty() || postInFlight) && now - closeDeadline < 0) {
      var unused = loop.schedule(this::close, 10, TimeUnit.MILLISECONDS);
      maybePost();
      return;
    }
    fail(null);
  }

  /** The address this session connects to. */
  WsEndpoint target() {
    return target;
  }

  @Override
  public String peer() {
    return "sse:" + target.authority();
  }

  @Override
  public EventLoop executor() {
    return loop;
  }

  @Override
  public boolean inExecutor() {
    return loop.inEventLoop();
  }
}
