package dev.typedrpc.bench.load;

import dev.typedrpc.bench.driver.Checks;
import dev.typedrpc.bench.driver.EchoClient;
import dev.typedrpc.bench.driver.EchoServer;
import dev.typedrpc.bench.driver.Interrupts;
import dev.typedrpc.bench.driver.Loopback;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The ceiling: a minimal echo over TCP with 4-byte length prefixes, on the same Netty, I/O type
 * (epoll when available, as typedrpc and gRPC pick it) and event-loop model as the others, with no
 * RPC layer at all. A frame starts with an op byte: {@code ECHO} frames are written back as they
 * are; a {@code STREAM} request (count, size) is answered by that many {@code DATA} frames, written
 * while the channel is writable, then an {@code END}. How frames are written and flushed is the
 * {@link RawVariant} (both ends use the same one): one buffer per frame, Netty's flush
 * consolidation, frames packed per flush, or both; and how many stream frames go per flush.
 */
@SuppressWarnings(
    "FutureReturnValueIgnored") // writes use the void promise: failures reach exceptionCaught
final class RawNettyEcho {
  static final byte ECHO = 0;
  static final byte STREAM = 1;
  static final byte DATA = 2;
  static final byte END = 3;
  private static final int MAX_FRAME = 1 << 20;
  private static final boolean EPOLL = Epoll.isAvailable();

  private RawNettyEcho() {}

  static String ioType() {
    return EPOLL ? "epoll" : "nio";
  }

  private static EventLoopGroup newGroup(int threads) {
    return new MultiThreadIoEventLoopGroup(
        threads, EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  /** A server of the variant this JVM runs ({@link RawVariant#current()}). */
  static EchoServer startServer() throws InterruptedException {
    return startServer(RawVariant.current());
  }

  static EchoServer startServer(RawVariant variant) throws InterruptedException {
    EventLoopGroup group = newGroup(0);
    Class<? extends ServerChannel> type =
        EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    Channel listener =
        new ServerBootstrap()
            .group(group)
            .channel(type)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    addFraming(ch, variant);
                    ch.pipeline().addLast(new ServerHandler(variant.flushEvery));
                  }
                })
            .bind(Loopback.ADDRESS, 0)
            .sync()
            .channel();
    return new EchoServer() {
      @Override
      public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
      }

      @Override
      public void close() {
        Interrupts.awaitQuietly(
            () -> {
              listener.close().sync();
              group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
            });
      }
    };
  }

  /** A client of the variant this JVM runs ({@link RawVariant#current()}). */
  static EchoClient connect(int port) throws InterruptedException {
    return connect(port, RawVariant.current());
  }

  static EchoClient connect(int port, RawVariant variant) throws InterruptedException {
    EventLoopGroup group = newGroup(1);
    ClientHandler handler = new ClientHandler(variant.pack);
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    addFraming(ch, variant);
                    ch.pipeline().addLast(handler);
                  }
                })
            .connect(Loopback.ADDRESS, port)
            .sync()
            .channel();
    return new EchoClient() {
      @Override
      public void call(byte[] payload) throws Exception {
        callAsync(payload).get(Checks.STREAM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }

      @Override
      public CompletableFuture<Void> callAsync(byte[] payload) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ByteBuf frame =
            channel.alloc().buffer(1 + payload.length).writeByte(ECHO).writeBytes(payload);
        // responses come back in order on one connection: queue the completion before the request
        // can leave
        handler.pending.add(new Pending(payload.length, done));
        if (handler.drainQueue) {
          handler.enqueue(channel, frame);
        } else if (channel.eventLoop().inEventLoop()) {
          handler.writeAndScheduleFlush(channel, frame);
        } else {
          channel.eventLoop().execute(() -> handler.writeAndScheduleFlush(channel, frame));
        }
        return done;
      }

      @Override
      public void stream(int count, int size) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        handler.startStream(count, done);
        channel.writeAndFlush(
            channel.alloc().buffer(9).writeByte(STREAM).writeInt(count).writeInt(size),
            channel.voidPromise());
        done.get(Checks.STREAM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }

      @Override
      public void close() {
        Interrupts.awaitQuietly(
            () -> {
              channel.close().sync();
              group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
            });
      }
    };
  }

  /**
   * The variant's framing: the length-prefix decoder, then a prepender or a {@link FramePacker},
   * behind a {@link FlushConsolidationHandler} at the head if the variant consolidates flushes.
   */
  private static void addFraming(Channel ch, RawVariant variant) {
    if (variant.consolidateFlushes) {
      ch.pipeline()
          .addLast(
              new FlushConsolidationHandler(
                  FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    }
    ch.pipeline().addLast(framer(), variant.pack ? new FramePacker() : new LengthFieldPrepender(4));
  }

  private static LengthFieldBasedFrameDecoder framer() {
    return new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4);
  }

  private record Pending(int length, CompletableFuture<Void> done) {}

  /**
   * Echoes ECHO frames (flushing once per read batch) and serves STREAM requests. One per
   * connection.
   */
  private static final class ServerHandler extends ChannelInboundHandlerAdapter {
    private final int flushEvery;
    private int remaining;
    private int size;
    private boolean ended = true;
    private boolean pumping;

    ServerHandler(int flushEvery) {
      this.flushEvery = flushEvery;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf frame = (ByteBuf) msg;
      if (frame.getByte(frame.readerIndex()) == ECHO) {
        ctx.write(frame, ctx.voidPromise());
        return;
      }
      try {
        remaining = frame.getInt(frame.readerIndex() + 1);
        size = frame.getInt(frame.readerIndex() + 5);
        ended = false;
      } finally {
        frame.release();
      }
      pump(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable() && remaining > 0) {
        pump(ctx);
      }
    }

    /**
     * Writes while writable. Not re-entered: a flush inside a write (a flush consolidation handler
     * flushes when the channel turns unwritable) can make it writable again at once, and the event
     * would call this from within itself; the running loop goes on instead.
     */
    private void pump(ChannelHandlerContext ctx) {
      if (pumping) {
        return;
      }
      pumping = true;
      try {
        int sinceFlush = 0;
        while (remaining > 0 && ctx.channel().isWritable()) {
          remaining--;
          ctx.write(
              ctx.alloc().buffer(1 + size).writeByte(DATA).writeZero(size), ctx.voidPromise());
          if (++sinceFlush == flushEvery) {
            sinceFlush = 0;
            ctx.flush();
          }
        }
        if (remaining == 0 && !ended) {
          ended = true;
          ctx.write(ctx.alloc().buffer(1).writeByte(END), ctx.voidPromise());
        }
        ctx.flush();
      } finally {
        pumping = false;
      }
    }
  }

  /** Completes calls in order and counts stream frames. Shared by the one connection it serves. */
  @Sharable
  private static final class ClientHandler extends ChannelInboundHandlerAdapter {
    final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    final boolean drainQueue;
    // frames waiting for the drain task; bounded by the calls the workloads keep in flight
    private final ConcurrentLinkedQueue<ByteBuf> outgoing = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private boolean flushScheduled; // event loop only
    private volatile CompletableFuture<Void> stream;
    private volatile int streamExpected;
    private int streamReceived;

    /**
     * Writes on the event loop and flushes once for all the writes queued before the flush runs:
     * calls made back to back share a syscall, as a good RPC client's writes do. (Writing and
     * scheduling on the loop keeps every write ahead of the flush that covers it.)
     */
    void writeAndScheduleFlush(Channel channel, ByteBuf frame) {
      channel.write(frame, channel.voidPromise());
      if (!flushScheduled) {
        flushScheduled = true;
        channel
            .eventLoop()
            .execute(
                () -> {
                  flushScheduled = false;
                  channel.flush();
                });
      }
    }

    ClientHandler(boolean drainQueue) {
      this.drainQueue = drainQueue;
    }

    /**
     * Queues a frame for the one drain task on the event loop, scheduling it if none is: calls made
     * while it waits cost no task of their own, and leave in one flush.
     */
    void enqueue(Channel channel, ByteBuf frame) {
      outgoing.add(frame);
      if (drainScheduled.compareAndSet(false, true)) {
        channel.eventLoop().execute(() -> drain(channel));
      }
    }

    private void drain(Channel channel) {
      // cleared first: a frame queued from now on either is written below or schedules a drain
      drainScheduled.set(false);
      for (ByteBuf frame = outgoing.poll(); frame != null; frame = outgoing.poll()) {
        channel.write(frame, channel.voidPromise());
      }
      channel.flush();
    }

    void startStream(int count, CompletableFuture<Void> done) {
      streamExpected = count;
      stream = done;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf frame = (ByteBuf) msg;
      try {
        byte op = frame.getByte(frame.readerIndex());
        if (op == ECHO) {
          Pending p = pending.poll();
          if (p == null) {
            throw new IllegalStateException("a response without a request");
          }
          Checks.sameLength(p.length(), frame.readableBytes() - 1);
          p.done().complete(null);
        } else if (op == DATA) {
          streamReceived++;
        } else if (op == END) {
          finishStream();
        }
      } finally {
        frame.release();
      }
    }

    private void finishStream() {
      CompletableFuture<Void> done = stream;
      int received = streamReceived;
      streamReceived = 0;
      if (received == streamExpected) {
        done.complete(null);
      } else {
        done.completeExceptionally(
            new IllegalStateException("got " + received + " of " + streamExpected));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      Pending p;
      while ((p = pending.poll()) != null) {
        p.done().completeExceptionally(cause);
      }
      ctx.close();
    }
  }
}
