package dev.typedrpc.it.obstacles;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxy for tests: listens on 127.0.0.1 (a free port) and forwards every accepted connection to
 * one fixed upstream address, the way a reverse proxy or load balancer in front of a server does.
 * Subclasses decide what gets through. Closing it closes every connection it holds. Thread-safe.
 */
public abstract class LoopbackProxy implements AutoCloseable {
  final InetSocketAddress upstream;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final ChannelGroup accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger connections = new AtomicInteger();
  private Channel listener;

  LoopbackProxy(InetSocketAddress upstream) {
    this.upstream = upstream;
  }

  /** Installs the handlers of one accepted client connection. */
  abstract void initClient(Channel client);

  /** Binds 127.0.0.1, port 0. */
  final void bind() throws InterruptedException {
    listener =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.incrementAndGet();
                    accepted.add(ch);
                    initClient(ch);
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  /** Connections accepted so far. */
  public final int connectionsAccepted() {
    return connections.get();
  }

  /** The client connections currently open. */
  final ChannelGroup clients() {
    return accepted;
  }

  public final int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /**
   * {@code scheme://127.0.0.1:<proxy port><path>}: what a client uses to reach the server through
   * the proxy.
   */
  public final URI uri(String scheme, String path) {
    return URI.create(scheme + "://127.0.0.1:" + port() + path);
  }

  @Override
  public void close() throws InterruptedException {
    if (listener != null) {
      listener.close().await(5, TimeUnit.SECONDS);
    }
    accepted.close().await(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }
}
