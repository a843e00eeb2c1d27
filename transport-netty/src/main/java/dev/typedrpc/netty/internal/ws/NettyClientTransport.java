package dev.typedrpc.netty.internal.ws;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.ChannelFrameSink;
import dev.typedrpc.netty.internal.FrameHandler;
import dev.typedrpc.netty.internal.IoGroups;
import dev.typedrpc.netty.internal.WsEndpoint;
import dev.typedrpc.netty.internal.tls.Tls;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.spi.frame.FrameConnection;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.util.List;

/**
 * One WebSocket client connection, on one loop of the shared client group. The engine exists from
 * {@link #start} on, so streams may be opened while connecting (the engine queues them, or fails
 * them with {@code UNAVAILABLE} if the connection cannot be made). Thread-safe: the engine hops
 * onto the connection's loop itself.
 */
public final class NettyClientTransport implements ClientTransport {
  private final WsEndpoint target;
  private final Tls.Client tls;
  private final TransportSettings settings;

  /** The client asks for proto3 JSON messages ({@code message-encoding=json}). */
  private final boolean json;

  private volatile FrameConnection connection;

  /**
   * @param tls TLS settings for {@code wss:}; null for {@code ws:}
   * @param json ask the server for proto3 JSON messages ({@code MessageEncoding})
   */
  public NettyClientTransport(
      WsEndpoint target, Tls.Client tls, TransportSettings settings, boolean json) {
    this.target = target;
    this.tls = tls;
    this.settings = settings;
    this.json = json;
  }

  @Override
  public void start(Listener listener) {
    if (connection != null) {
      throw new IllegalStateException("already started");
    }
    EventLoop loop = IoGroups.clientGroup().next();
    ChannelFrameSink sink = new ChannelFrameSink(loop, target.authority(), true);
    ReadyWatch watch = new ReadyWatch(listener);
    FrameConnection engine = FrameConnection.client(sink, settings, watch, json);
    connection = engine;
    FrameHandler frames =
        FrameHandler.client(sink, engine, () -> watch.ready, connectTimeoutMillis());
    // queued before anything the engine is asked later, so the channel is attached first
    loop.execute(() -> connect(loop, sink, frames));
  }

  private void connect(EventLoop loop, ChannelFrameSink sink, FrameHandler frames) {
    ChannelFuture connect =
        new Bootstrap()
            .group(loop)
            .channel(IoGroups.socketChannelType())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis())
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, IoGroups.WATER_MARK)
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    WsPipelines.client(ch.pipeline(), target, tls, settings, frames);
                  }
                })
            .connect(target.host(), target.port());
    sink.attach(connect.channel());
    connect.addListener(
        done -> {
          if (!done.isSuccess()) {
            frames.connectFailed(done.cause());
          }
        });
  }

  /** Passes everything on, noting when the connection is ready (the server's SETTINGS arrived). */
  private static final class ReadyWatch implements Listener {
    private final Listener next;
    volatile boolean ready;

    ReadyWatch(Listener next) {
      this.next = next;
    }

    @Override
    public void transportReady() {
      ready = true;
      next.transportReady();
    }

    @Override
    public void transportShutdown(Status reason) {
      next.transportShutdown(reason);
    }

    @Override
    public void transportTerminated() {
      next.transportTerminated();
    }

    @Override
    public List<ServiceVersion> localServices() {
      return next.localServices();
    }

    @Override
    public void serverServices(List<ServiceVersion> services) {
      next.serverServices(services);
    }

    @Override
    public void tooManyPings() {
      next.tooManyPings();
    }
  }

  private int connectTimeoutMillis() {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
  }

  @Override
  public ClientStream newStream(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener) {
    return started().newStream(method, headers, deadline, listener);
  }

  @Override
  public void shutdown(Status reason) {
    started().shutdown(reason);
  }

  @Override
  public void shutdownNow(Status reason) {
    started().shutdownNow(reason);
  }

  private FrameConnection started() {
    FrameConnection engine = connection;
    if (engine == null) {
      throw new IllegalStateException("start() was not called");
    }
    return engine;
  }
}
