package dev.typedrpc.netty.internal.server;

import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.FrameHandler;
import dev.typedrpc.netty.internal.IoGroups;
import dev.typedrpc.netty.internal.WsEndpoint;
import dev.typedrpc.netty.internal.grpc.H2ServerHandler;
import dev.typedrpc.netty.internal.sse.SseServer;
import dev.typedrpc.netty.internal.web.Http1WebHandler;
import dev.typedrpc.spi.ServerTransport;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.spi.frame.FrameConnection;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server for WebSocket, SSE and gRPC over HTTP/2 on one port, in cleartext and, if it has a
 * certificate, over TLS: one boss and one worker event-loop group of its own. Each accepted
 * connection's first bytes choose its protocol ({@link ProtocolSniffer}; over TLS, ALPN): a
 * WebSocket connection gets one {@link FrameConnection} once its handshake completes, an HTTP/2
 * connection an {@link H2ServerHandler}. Thread-safe; lifecycle methods are synchronized.
 */
public final class NettyServerTransport implements ServerTransport {
  private static final Status GOING_AWAY =
      Status.UNAVAILABLE.withDescription("server shutting down");

  private final WsEndpoint endpoint;
  private final TransportSettings settings;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final ChannelGroup connections =
      new DefaultChannelGroup("typedrpc-ws-connections", GlobalEventExecutor.INSTANCE);
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Channel serverChannel;
  private boolean stopping;
  private SseServer sse;

  private final boolean gzipResponses;
  private final SslContext tls;

  /**
   * @param gzipResponses gzip responses (gRPC, WebSocket, SSE) for clients that accept it ({@code
   *     ?grpc-compression=gzip})
   * @param tls the server's TLS context, or null to refuse TLS connections
   */
  public NettyServerTransport(
      WsEndpoint endpoint, TransportSettings settings, boolean gzipResponses, SslContext tls) {
    this.endpoint = endpoint;
    this.settings = settings;
    this.gzipResponses = gzipResponses;
    this.tls = tls;
  }

  @Override
  public synchronized void start(ServerTransportListener listener) throws IOException {
    if (boss != null) {
      throw new IllegalStateException("already started");
    }
    boss = IoGroups.newGroup(1, "typedrpc-ws-boss", false);
    workers = IoGroups.newGroup(0, "typedrpc-ws-worker", false);
    ChannelFuture bind =
        bootstrap(listener).bind(endpoint.host(), endpoint.port()).awaitUninterruptibly();
    if (!bind.isSuccess()) {
      stopping = true;
      releaseGroups();
      throw new IOException("cannot listen on " + endpoint.authority(), bind.cause());
    }
    serverChannel = bind.channel();
  }

  private ServerBootstrap bootstrap(ServerTransportListener listener) {
    SseServer sse = new SseServer(settings, listener, gzipResponses);
    this.sse = sse;
    ServerBootstrap b = new ServerBootstrap();
    IoGroups.limitUnsentBytes(b, settings.serverLimits().maxUnsentSocketBytes());
    return b.group(boss, workers)
        .channel(IoGroups.serverChannelType())
        .handler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                // admission first: a connection it closes at once is never tracked
                ch.pipeline()
                    .addLast(
                        new ConnectionAdmission(settings.serverLimits()),
                        new ConnectionTracker(connections));
              }
            })
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, IoGroups.WATER_MARK)
        .childHandler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ServerPipeline.configure(
                    ch.pipeline(), endpoint.path(), settings, listener, gzipResponses, sse, tls);
              }
            });
  }

  /** The accepted connections that are still open, for tests and diagnostics. */
  public Iterable<Channel> connections() {
    return connections;
  }

  @Override
  public synchronized InetSocketAddress localAddress() {
    if (serverChannel == null) {
      throw new IllegalStateException("not started");
    }
    return (InetSocketAddress) serverChannel.localAddress();
  }

  @Override
  public CompletableFuture<Void> shutdown() {
    return stop(false);
  }

  @Override
  public void shutdownNow() {
    CompletableFuture<Void> unused = stop(true); // callers of shutdownNow do not wait
  }

  private synchronized CompletableFuture<Void> stop(boolean now) {
    if (serverChannel == null) {
      terminated.complete(null); // never started (or failed to): nothing to release
      return terminated;
    }
    if (stopping) {
      if (now) {
        goAway(true); // escalate a graceful shutdown in progress
      }
      return terminated;
    }
    stopping = true;
    // from now on HTTP/1.1 connections kept alive take no new session, upgrade or web call
    sse.drain();
    // once the server channel is closed, the tracker has seen every accepted connection
    serverChannel
        .close()
        .addListener(
            closed -> {
              goAway(now);
              connections.newCloseFuture().addListener(allClosed -> releaseGroups());
            });
    return terminated;
  }

  private void goAway(boolean now) {
    for (Channel ch : connections) {
      ch.eventLoop().execute(() -> goAway(ch, now));
    }
  }

  @SuppressWarnings(
      "FutureReturnValueIgnored") // closing: the channel group watches the close futures
  private void goAway(Channel ch, boolean now) {
    H2ServerHandler h2 = ch.attr(H2ServerHandler.HANDLER).get();
    if (h2 != null) {
      if (now) {
        h2.shutdownNow(); // open calls end with UNAVAILABLE when their streams close
      } else {
        h2.shutdownGracefully(); // GOAWAY; closes when the calls in progress are done
      }
      return;
    }
    FrameConnection connection = ch.attr(FrameHandler.CONNECTION).get();
    if (now) {
      if (connection != null) {
        connection.shutdownNow(GOING_AWAY);
      }
      ch.close();
      return;
    }
    // a web call in progress on HTTP/1.1 finishes; its response closes the connection
    Http1WebHandler web = ch.pipeline().get(Http1WebHandler.class);
    boolean webCallOpen = web != null && web.drain();
    if (connection != null && !sse.carriesEndedSession(ch)) {
      // (an SSE session's POST channels share its engine: asking it twice is harmless)
      connection.shutdown(GOING_AWAY); // GOAWAY; the engine closes the channel when calls are done
    } else if (!webCallOpen) {
      // idle between requests, a POST connection kept after its session ended, or still in its
      // handshake: nothing to finish
      ch.close();
    }
  }

  private void releaseGroups() {
    Future<?> bossDone = boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    Future<?> workersDone = workers.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    bossDone.addListener(b -> workersDone.addListener(w -> terminated.complete(null)));
  }
}
