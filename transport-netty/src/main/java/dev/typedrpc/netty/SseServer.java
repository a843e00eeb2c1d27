package dev.typedrpc.netty;

import dev.typedrpc.Status;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.spi.frame.FrameConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server side of the SSE + POST transport: {@code GET <path>/sse} opens a session whose server-to-client
 * frames stream as Server-Sent Events; {@code POST <path>/sse/<session>} carries client-to-server frames. Session
 * ids are 128 random bits and bound to the address that opened them. Thread-safe.
 */
final class SseServer {
  /** Most sessions open at once; more are refused with 503. */
  static final int MAX_SESSIONS = 10_000;

  private static final SecureRandom RANDOM = new SecureRandom();
  /**
   * How often an event stream gets a comment line, so proxies do not time it out: 15 s, or the system property
   * {@code dev.typedrpc.netty.sseKeepaliveMillis}.
   */
  private final long keepaliveMillis = Long.getLong("dev.typedrpc.netty.sseKeepaliveMillis", 15_000);

  private final TransportSettings settings;
  private final ServerTransportListener listener;
  private final ConcurrentHashMap<String, SseSession> sessions = new ConcurrentHashMap<>();

  SseServer(TransportSettings settings, ServerTransportListener listener) {
    this.settings = settings;
    this.listener = listener;
  }

  /** Largest POST body accepted: a batch of frames, each with its 4-byte length. */
  static int maxPostBody(TransportSettings settings) {
    return SseFrames.FULL_FRAMES_PER_POST * (settings.maxFrameSize() + WsPipelines.FRAME_HEADER_ALLOWANCE + 4);
  }

  /**
   * Turns the channel of a {@code GET <path>/sse} into a session's event stream. The caller removed every HTTP
   * request handler after the codec; the channel now only writes.
   */
  void openEventStream(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    if (sessions.size() >= MAX_SESSIONS) {
      HttpRequestGate.respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, true);
      return;
    }
    String id = newId();
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    HttpHeaders h = head.headers();
    h.set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
    h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    h.set("x-accel-buffering", "no"); // proxies must not hold events back
    HttpUtil.setTransferEncodingChunked(head, true);
    channel.write(head);
    SseDownSink sink = new SseDownSink(channel);
    sink.writeEvent("session", id);
    FrameConnection connection = FrameConnection.server(sink, settings, listener);
    SseSession session =
        new SseSession(id, remoteAddress(channel), channel, connection, ConcurrentHashMap.newKeySet());
    sessions.put(id, session);
    channel.attr(FrameHandler.CONNECTION).set(connection); // so the server's go-away reaches the session
    channel.pipeline().addLast("sse-events", new EventStreamHandler(connection));
    ScheduledFuture<?> keepalive =
        channel
            .eventLoop()
            .scheduleAtFixedRate(sink::writeKeepalive, keepaliveMillis, keepaliveMillis, TimeUnit.MILLISECONDS);
    channel
        .closeFuture()
        .addListener(
            done -> {
              keepalive.cancel(false);
              end(session);
            });
    connection.onOpen();
    channel.flush();
  }

  private void end(SseSession session) {
    sessions.remove(session.id(), session);
    session.connection().onClosed(null);
    for (Channel post : session.postChannels()) {
      post.close(); // the session is over: its POST connections have nothing more to carry
    }
  }

  /**
   * Delivers the frames of a {@code POST <path>/sse/<id>} to the session's engine, on the session's event loop,
   * then answers 204. Unknown session: 404; another client address: 403; malformed body: 400 and the session ends.
   */
  void post(ChannelHandlerContext ctx, FullHttpRequest request, String id) {
    SseSession session = sessions.get(id);
    if (session == null) {
      HttpRequestGate.respond(ctx, HttpResponseStatus.NOT_FOUND, false);
      return;
    }
    if (!session.address().equals(remoteAddress(ctx.channel()))) {
      HttpRequestGate.respond(ctx, HttpResponseStatus.FORBIDDEN, false);
      return;
    }
    if (session.postChannels().add(ctx.channel())) {
      ctx.channel().attr(FrameHandler.CONNECTION).set(session.connection());
    }
    ByteBuf body = request.content().retain();
    Channel postChannel = ctx.channel();
    session
        .channel()
        .eventLoop()
        .execute(
            () -> {
              // a frame may end the session (a connection error), which closes its POST connections: this one is
              // answered first, and closed after its response if the session is over
              session.postChannels().remove(postChannel);
              boolean valid;
              try {
                valid = SseFrames.forEachFrame(body, settings, session.connection()::onFrame);
              } finally {
                body.release();
              }
              boolean ended = !session.channel().isActive();
              if (!ended) {
                session.postChannels().add(postChannel);
              }
              if (valid) {
                HttpRequestGate.respond(ctx, HttpResponseStatus.NO_CONTENT, ended);
              } else {
                HttpRequestGate.respond(ctx, HttpResponseStatus.BAD_REQUEST, ended);
                session.connection().shutdownNow(Status.INTERNAL.withDescription("malformed POST body"));
                session.channel().close().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
              }
            });
  }

  private static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static InetAddress remoteAddress(Channel channel) {
    return channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  /** Tells the engine when the event stream can take more, and closes it on errors. Nothing is read from it. */
  private static final class EventStreamHandler extends io.netty.channel.ChannelInboundHandlerAdapter {
    private final FrameConnection connection;

    EventStreamHandler(FrameConnection connection) {
      this.connection = connection;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      connection.onWritabilityChanged();
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      io.netty.util.ReferenceCountUtil.release(msg); // a client sends nothing more on the event stream
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** One session: its id, the address bound to it, its event-stream channel, its engine, its POST channels. */
  record SseSession(
      String id, InetAddress address, Channel channel, FrameConnection connection, Set<Channel> postChannels) {}
}
