package dev.typedrpc.it.obstacles;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Relays the bytes of one accepted connection to and from its own upstream connection, unchanged,
 * with backpressure (a side stops reading while the other cannot take more). Every relayed chunk is
 * offered to a {@link Budget}, which may let only part of it through and then close both sides.
 * Stateful: one per connection.
 */
final class RawRelay extends ChannelInboundHandlerAdapter {
  /** How many more bytes a connection may carry, both directions together. Thread-safe. */
  interface Budget {
    /**
     * Takes up to {@code wanted} bytes from the budget; returns how many may pass (less means: cut
     * after them).
     */
    long take(long wanted);

    /** Whether nothing is left: the connection closes once what was let through is written. */
    default boolean spent() {
      return false;
    }
  }

  static final Budget UNLIMITED = wanted -> wanted;

  private final InetSocketAddress upstream;
  private final Budget budget;
  private final Consumer<Channel> onOpen;
  private Channel peer;

  RawRelay(InetSocketAddress upstream, Budget budget, Consumer<Channel> onOpen) {
    this.upstream = upstream;
    this.budget = budget;
    this.onOpen = onOpen;
  }

  /**
   * Connects upstream when the client connection opens; reads nothing from the client until then.
   */
  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Channel client = ctx.channel();
    client.config().setAutoRead(false);
    onOpen.accept(client);
    Bootstrap b =
        new Bootstrap()
            .group(client.eventLoop())
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.AUTO_READ, false)
            .handler(new Pipe(client, budget));
    b.connect(upstream)
        .addListener(
            (ChannelFutureListener)
                done -> {
                  if (!done.isSuccess()) {
                    client.close();
                    return;
                  }
                  peer = done.channel();
                  client.config().setAutoRead(true);
                  peer.config().setAutoRead(true);
                });
  }

  /**
   * Takes over an already-open client connection whose first bytes were read by another handler:
   * connects upstream, then sends {@code firstBytes} (owned by this call) before relaying the rest.
   */
  static void takeOver(
      ChannelHandlerContext ctx, InetSocketAddress upstream, Budget budget, ByteBuf firstBytes) {
    Channel client = ctx.channel();
    client.config().setAutoRead(false);
    RawRelay relay = new RawRelay(upstream, budget, c -> {});
    ctx.pipeline().addLast("raw-relay", relay);
    new Bootstrap()
        .group(client.eventLoop())
        .channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new Pipe(client, budget))
        .connect(upstream)
        .addListener(
            (ChannelFutureListener)
                done -> {
                  if (!done.isSuccess()) {
                    firstBytes.release();
                    client.close();
                    return;
                  }
                  relay.peer = done.channel();
                  Pipe.forward(firstBytes, relay.peer, client, budget);
                  client.config().setAutoRead(true);
                });
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (peer == null) {
      ReferenceCountUtil.release(
          msg); // cannot happen: nothing is read before upstream is connected
      return;
    }
    Pipe.forward((ByteBuf) msg, peer, ctx.channel(), budget);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (peer != null) {
      peer.config().setAutoRead(ctx.channel().isWritable());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Pipe.closeOnFlush(peer);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** The upstream side: relays what the server sends back to the client. */
  private static final class Pipe extends ChannelInboundHandlerAdapter {
    private final Channel client;
    private final Budget budget;

    Pipe(Channel client, Budget budget) {
      this.client = client;
      this.budget = budget;
    }

    /**
     * Writes {@code buf} (owned) to {@code to}, as far as the budget allows; a spent budget closes
     * both.
     */
    static void forward(ByteBuf buf, Channel to, Channel from, Budget budget) {
      long wanted = buf.readableBytes();
      long allowed = budget.take(wanted);
      if (allowed >= wanted && !budget.spent()) {
        to.writeAndFlush(buf);
        if (!to.isWritable()) {
          from.config().setAutoRead(false); // resumed by to's channelWritabilityChanged
        }
        return;
      }
      ByteBuf part = buf.readRetainedSlice((int) Math.max(0, allowed));
      buf.release();
      to.writeAndFlush(part).addListener(ChannelFutureListener.CLOSE);
      from.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    static void closeOnFlush(Channel ch) {
      if (ch != null && ch.isActive()) {
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      forward((ByteBuf) msg, client, ctx.channel(), budget);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      client.config().setAutoRead(ctx.channel().isWritable());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closeOnFlush(client);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
