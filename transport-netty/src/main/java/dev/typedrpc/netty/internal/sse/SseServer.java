package dev.typedrpc.netty.internal.sse;

import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.FrameHandler;
import dev.typedrpc.netty.internal.HandshakeDeadline;
import dev.typedrpc.netty.internal.server.AddressSlots;
import dev.typedrpc.netty.internal.server.HttpRequestGate;
import dev.typedrpc.netty.internal.tls.PeerCertificates;
import dev.typedrpc.netty.internal.ws.WsPipelines;
import dev.typedrpc.spi.ServerLimits;
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
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server side of the SSE + POST transport: {@code GET <path>/sse} opens a session whose
 * server-to-client frames stream as Server-Sent Events; {@code POST <path>/sse/<session>} carries
 * client-to-server frames. Session ids are 128 random bits and bound to the address that opened
 * them. Thread-safe.
 */
public final class SseServer {
  /**
   * Most POST connections one session uses at once (its client needs one); more are refused with
   * 503.
   */
  static final int MAX_POST_CONNECTIONS = 4;

  /**
   * The session whose POSTs a connection carried last. A client that pools HTTP/1.1 connections
   * (browsers, Node's fetch) may reuse it for another session's POSTs or event stream: it then
   * leaves that session, so that the session's end does not close it.
   */
  private static final AttributeKey<SseSession> POSTS_FOR =
      AttributeKey.valueOf(SseServer.class, "postsFor");

  private static final SecureRandom RANDOM = new SecureRandom();
  private final TransportSettings settings;
  private final ServerTransportListener listener;

  /** The open sessions by id (package-private for tests). */
  final ConcurrentHashMap<String, SseSession> sessions = new ConcurrentHashMap<>();

  /** Sessions open, in total and per address ({@link ServerLimits#sseMaxSessions()}). */
  private final AddressSlots slots;

  /** How often an event stream gets a comment line, so proxies do not time it out. */
  private final long keepaliveMillis;

  /**
   * How long a session's POST connection may stay idle between POSTs before it is closed; the
   * client opens a new one for its next POST.
   */
  private final long postIdleMillis;

  /** Responses are gzipped by default, for clients that accept it. */
  private final boolean gzipResponses;

  /** The server began a graceful shutdown: HTTP/1.1 connections take no new work. */
  private volatile boolean draining;

  public SseServer(TransportSettings settings, ServerTransportListener listener) {
    this(settings, listener, false);
  }

  /** As above; with {@code gzipResponses}, responses are gzipped for clients that accept it. */
  public SseServer(
      TransportSettings settings, ServerTransportListener listener, boolean gzipResponses) {
    this.settings = settings;
    this.listener = listener;
    this.gzipResponses = gzipResponses;
    ServerLimits limits = settings.serverLimits();
    this.slots = new AddressSlots(limits.sseMaxSessions(), limits.sseMaxSessionsPerAddress());
    this.keepaliveMillis = Math.max(1, limits.sseKeepAliveInterval().toMillis());
    this.postIdleMillis = Math.max(1, limits.ssePostIdleTimeout().toMillis());
  }

  public long postIdleMillis() {
    return postIdleMillis;
  }

  /** Largest POST body accepted: a batch of frames, each with its 4-byte length. */
  public static int maxPostBody(TransportSettings settings) {
    return SseFrames.FULL_FRAMES_PER_POST
        * (settings.maxFrameSize() + WsPipelines.FRAME_HEADER_ALLOWANCE + 4);
  }

  /**
   * The server begins a graceful shutdown: from now on its HTTP/1.1 connections take no new work (a
   * session, a WebSocket upgrade, a web call), only the POSTs of the sessions still open.
   */
  public void drain() {
    draining = true;
  }

  /**
   * Whether {@code channel} last carried the POSTs of a session that has ended since: kept open for
   * a client that may reuse it, it has nothing of that session left to finish.
   */
  public boolean carriesEndedSession(Channel channel) {
    SseSession session = channel.attr(POSTS_FOR).get();
    return session != null && !session.equals(sessions.get(session.id()));
  }

  /** Whether {@link #drain} was called. */
  public boolean draining() {
    return draining;
  }

  /**
   * Turns the channel of a {@code GET <path>/sse} into a session's event stream. The caller removed
   * every HTTP request handler after the codec; the channel now only writes.
   */
  public void openEventStream(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    leavePreviousSession(channel, null);
    InetAddress address = remoteAddress(channel);
    AddressSlots.Refusal refusal = slots.tryAcquire(address);
    if (refusal != null) {
      HttpRequestGate.unavailable(
          ctx,
          refusal == AddressSlots.Refusal.TOTAL
              ? "too many SSE sessions on this server (limit " + slots.max() + ")"
              : "too many SSE sessions from "
                  + (address == null ? "this address" : address.getHostAddress())
                  + " (limit "
                  + slots.maxPerAddress()
                  + " per address)");
      return;
    }
    String id = newId();
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    HttpHeaders h = head.headers();
    h.set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
    h.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    h.set("x-accel-buffering", "no"); // proxies must not hold events back
    HttpUtil.setTransferEncodingChunked(head, true);
    var unused = channel.write(head);
    SseDownSink sink = new SseDownSink(channel);
    sink.writeEvent("session", id);
    FrameConnection connection = FrameConnection.server(sink, settings, listener, gzipResponses);
    SseSession session =
        new SseSession(id, address, channel, sink, connection, ConcurrentHashMap.newKeySet());
    sessions.put(id, session);
    channel
        .attr(FrameHandler.CONNECTION)
        .set(connection); // so the server's go-away reaches the session
    channel.pipeline().addLast("sse-events", new EventStreamHandler(connection));
    ScheduledFuture<?> keepalive =
        channel
            .eventLoop()
            .scheduleAtFixedRate(
                sink::writeKeepalive, keepaliveMillis, keepaliveMillis, TimeUnit.MILLISECONDS);
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
    if (sessions.remove(session.id(), session)) {
      slots.release(session.address());
    }
    boolean endedHere = session.sink().closedByServer();
    session.connection().onClosed(null);
    if (endedHere) {
      closePostConnections(session);
    }
    // a client that ended its session keeps its idle POST connections: one that pools connections
    // (browsers, Node's fetch) may already be sending its next session's requests on them, which a
    // close now would lose. They close when idle for ssePostIdleTimeout.
  }

  /**
   * The server ended the session: its POST connections have nothing more to carry. Each is closed
   * on its own event loop, and only if it still carries this session's POSTs: a client that pools
   * connections may have sent another session's request on it meanwhile.
   */
  private static void closePostConnections(SseSession session) {
    for (Channel post : session.postChannels()) {
      try {
        post.eventLoop()
            .execute(
                () -> {
                  if (session.equals(post.attr(POSTS_FOR).get())) {
                    var unused = post.close();
                  }
                });
      } catch (RejectedExecutionException e) {
        // the server is shutting down: its channels are closed with it
      }
    }
  }

  /**
   * Delivers the frames of a {@code POST <path>/sse/<id>} to the session's engine, on the session's
   * event loop, then answers 204. Unknown session: 404; another client address or client
   * certificate: 403; a session's fifth POST connection: 503; malformed body: 400 and the session
   * ends. Refusals close the connection.
   *
   * @return whether the POST was accepted for a session (the connection is then a session's POST
   *     connection)
   */
  public boolean post(ChannelHandlerContext ctx, FullHttpRequest request, String id) {
    SseSession session = sessions.get(id);
    if (session == null) {
      HttpRequestGate.respond(ctx, HttpResponseStatus.NOT_FOUND, true);
      return false;
    }
    if (!Objects.equals(session.address(), remoteAddress(ctx.channel()))
        || !PeerCertificates.of(ctx.channel()).equals(PeerCertificates.of(session.channel()))) {
      // another client's address or (mutual TLS) certificate: frames are the event stream's own
      HttpRequestGate.respond(ctx, HttpResponseStatus.FORBIDDEN, true);
      return false;
    }
    leavePreviousSession(ctx.channel(), session);
    Set<Channel> posts = session.postChannels();
    if (!posts.contains(ctx.channel())) {
      synchronized (posts) {
        if (posts.size() >= MAX_POST_CONNECTIONS) {
          HttpRequestGate.respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, true);
          return false;
        }
        posts.add(ctx.channel());
      }
      ctx.channel().attr(FrameHandler.CONNECTION).set(session.connection());
      ctx.channel().closeFuture().addListener(done -> posts.remove(ctx.channel()));
    }
    ByteBuf body = request.content().retain();
    try {
      deliver(ctx, session, body);
    } catch (RejectedExecutionException e) { // the session's event loop is shutting down
      body.release();
      HttpRequestGate.respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, true);
      return false;
    }
    return true;
  }

  /**
   * A connection that carried another session's POSTs now carries {@code next}'s (or, if null, an
   * event stream): the other session no longer counts it among its POST connections.
   */
  private static void leavePreviousSession(Channel channel, SseSession next) {
    SseSession previous = channel.attr(POSTS_FOR).getAndSet(next);
    if (previous != null && !previous.equals(next)) {
      previous.postChannels().remove(channel);
    }
  }

  private void deliver(ChannelHandlerContext ctx, SseSession session, ByteBuf body) {
    Channel postChannel = ctx.channel();
    session
        .channel()
        .eventLoop()
        .execute(
            () -> {
              // a frame may end the session (a connection error), which closes its POST
              // connections: this one is
              // answered first, and closed after its response if the session is over
              session.postChannels().remove(postChannel);
              boolean valid;
              boolean frames = body.isReadable();
              try {
                valid = SseFrames.forEachFrame(body, settings, session.connection()::onFrame);
              } finally {
                body.release();
              }
              if (valid && frames) {
                // the client's SETTINGS came first (the engine ends a session whose first frame
                // is anything else): the session is established
                HandshakeDeadline.complete(session.channel());
              }
              boolean ended = !session.channel().isActive();
              if (!ended) {
                session.postChannels().add(postChannel);
              }
              if (valid) {
                HttpRequestGate.respond(ctx, HttpResponseStatus.NO_CONTENT, ended);
              } else {
                HttpRequestGate.respond(ctx, HttpResponseStatus.BAD_REQUEST, ended);
                session
                    .connection()
                    .shutdownNow(Status.INTERNAL.withDescription("malformed POST body"));
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

  /**
   * Tells the engine when the event stream can take more, and closes it on errors. Nothing is read
   * from it.
   */
  private static final class EventStreamHandler
      extends io.netty.channel.ChannelInboundHandlerAdapter {
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
      io.netty.util.ReferenceCountUtil.release(
          msg); // a client sends nothing more on the event stream
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      var unused = ctx.close();
    }
  }

  /**
   * One session: its id, the address bound to it, its event-stream channel and sink, its engine,
   * its POST channels.
   */
  record SseSession(
      String id,
      InetAddress address,
      Channel channel,
      SseDownSink sink,
      FrameConnection connection,
      Set<Channel> postChannels) {}
}
