package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.IoGroups;
import dev.typedrpc.netty.internal.tls.TlsAnswerDetector;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.TransportSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;

/**
 * One gRPC-over-HTTP/2 client connection (h2c with prior knowledge, or TLS with ALPN h2) on one
 * loop of the shared client group. Streams may be opened while connecting: they wait for the
 * connection, or fail with {@code UNAVAILABLE} if it cannot be made. Thread-safe: every method hops
 * onto the connection's loop.
 */
public final class H2ClientTransport implements ClientTransport {
  private final H2cTarget target;
  private final TransportSettings settings;
  private volatile H2ClientHandler handler;
  private volatile EventLoop loop;
  private volatile H2WriteQueue writes;

  public H2ClientTransport(H2cTarget target, TransportSettings settings) {
    this.target = target;
    this.settings = settings;
  }

  @Override
  public void start(Listener listener) {
    if (handler != null) {
      throw new IllegalStateException("already started");
    }
    EventLoop l = IoGroups.clientGroup().next();
    H2ClientHandler h =
        H2ClientHandler.create(
            settings, target.authority(), target.gzip(), target.tls() != null, target.path());
    h.listener(listener);
    loop = l;
    writes = new H2WriteQueue(l, h);
    handler = h;
    l.execute(
        () -> connect(l, h)); // queued before any stream, so the handler has its channel first
  }

  private void connect(EventLoop l, H2ClientHandler h) {
    ChannelFuture connect =
        new Bootstrap()
            .group(l)
            .channel(IoGroups.socketChannelType())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis())
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, IoGroups.WATER_MARK)
            .handler(target.tls() == null ? cleartext(h) : tlsThen(h))
            .connect(target.host(), target.port());
    h.channel(connect.channel());
    connect.addListener(
        done -> {
          if (!done.isSuccess()) {
            h.connectFailed(done.cause());
          }
        });
  }

  /** A check that the server did not answer with TLS, then the HTTP/2 handler. */
  private ChannelInitializer<Channel> cleartext(H2ClientHandler h) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline()
            .addLast("tls-answer", new TlsAnswerDetector(target.authority(), H2cTarget.TLS_SCHEME));
        ch.pipeline().addLast(h);
      }
    };
  }

  /** TLS first; the HTTP/2 handler joins once the handshake is done and ALPN chose h2. */
  private ChannelInitializer<Channel> tlsThen(H2ClientHandler h) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        target.tls().addTo(ch.pipeline(), target.host(), target.port(), settings);
        ch.pipeline().addLast("alpn", new H2ClientAlpn(h, target.authority()));
      }
    };
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
    H2ClientHandler h = started();
    H2ClientStream s = new H2ClientStream(h, loop, writes, method, headers, deadline, listener);
    if (!writes.add(s)) { // the stream's first work, run(), asks the connection for a stream
      listener.onClose(
          Status.UNAVAILABLE.withDescription("the client's event loop is shut down"),
          Metadata.EMPTY);
    }
    return s;
  }

  @Override
  public void shutdown(Status reason) {
    H2ClientHandler h = started();
    loop.execute(() -> h.shutdown(reason));
  }

  @Override
  public void shutdownNow(Status reason) {
    H2ClientHandler h = started();
    loop.execute(() -> h.shutdownNow(reason));
  }

  private H2ClientHandler started() {
    H2ClientHandler h = handler;
    if (h == null) {
      throw new IllegalStateException("start() was not called");
    }
    return h;
  }
}
