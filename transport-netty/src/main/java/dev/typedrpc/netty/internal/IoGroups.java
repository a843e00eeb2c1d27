package dev.typedrpc.netty.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Event-loop groups and channel types: native epoll when available (unless the system property
 * {@code dev.typedrpc.netty.noEpoll} is true), NIO otherwise. Thread-safe.
 */
public final class IoGroups {
  /** Above 64 KiB queued, {@code isWritable()} turns false; below 32 KiB it turns true again. */
  public static final WriteBufferWaterMark WATER_MARK =
      new WriteBufferWaterMark(32 << 10, 64 << 10);

  static final boolean EPOLL =
      !Boolean.getBoolean("dev.typedrpc.netty.noEpoll") && Epoll.isAvailable();

  private IoGroups() {}

  static IoHandlerFactory ioHandlerFactory() {
    return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** A new group; {@code threads} 0 means Netty's default (twice the cores). */
  public static EventLoopGroup newGroup(int threads, String name, boolean daemon) {
    UnsafeAdvice.checkOnce();
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory(name, daemon), ioHandlerFactory());
  }

  public static Class<? extends ServerChannel> serverChannelType() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public static Class<? extends Channel> socketChannelType() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  /**
   * Bounds what the kernel holds unsent for each accepted connection: {@code TCP_NOTSENT_LOWAT} on
   * epoll, which leaves the send buffer's autotuning (and so throughput over long round trips)
   * alone; {@code SO_SNDBUF} with NIO, which has no such option. A peer that reads nothing then
   * stops taking bytes within a known amount, and the stall watch sees it at once.
   */
  public static ServerBootstrap limitUnsentBytes(ServerBootstrap b, long bytes) {
    return EPOLL
        ? b.childOption(EpollChannelOption.TCP_NOTSENT_LOWAT, bytes)
        : b.childOption(ChannelOption.SO_SNDBUF, (int) bytes);
  }

  /**
   * The event loops every client connection of this JVM shares, created on first use. Daemon
   * threads, so an application that forgets to shut its channels down can still exit; never shut
   * down.
   */
  public static EventLoopGroup clientGroup() {
    return ClientGroupHolder.GROUP;
  }

  private static final class ClientGroupHolder {
    static final EventLoopGroup GROUP = newGroup(0, "typedrpc-ws-client", true);
  }
}
