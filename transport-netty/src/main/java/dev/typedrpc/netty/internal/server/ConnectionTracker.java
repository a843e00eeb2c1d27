package dev.typedrpc.netty.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;

/**
 * On the server channel, before the acceptor: adds each accepted connection to a group on the boss
 * loop, so that after the server channel closes the group holds every connection (it drops closed
 * ones itself).
 */
final class ConnectionTracker extends ChannelInboundHandlerAdapter {
  private final ChannelGroup connections;

  ConnectionTracker(ChannelGroup connections) {
    this.connections = connections;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Channel child) {
      connections.add(child);
    }
    ctx.fireChannelRead(msg);
  }
}
