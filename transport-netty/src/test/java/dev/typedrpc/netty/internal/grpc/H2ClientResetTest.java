package dev.typedrpc.netty.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.DrainService;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.logging.LogLevel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A call that ends with the server's trailers after its request ended leaves the stream for HTTP/2
 * to close: the client sends no RST_STREAM for it. (HTTP/2 applies the trailers' END_STREAM only
 * after the client has handled them, so a reset "if the stream is still open" used to go out after
 * every call.) The server is Netty's own HTTP/2 codec answering each request with its bytes, and
 * counting the resets it reads.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class H2ClientResetTest {
  private final AtomicInteger resets = new AtomicInteger();

  @Test
  void finishedCallsAreNotReset() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline().addLast(new EchoServer().handler);
                    }
                  })
              .bind("127.0.0.1", 0)
              .sync()
              .channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      RpcChannel channel =
          RpcChannel.connect(URI.create("h2c://127.0.0.1:" + port), ChannelOptions.DEFAULT);
      try {
        for (int i = 0; i < 10; i++) {
          // one after another: the server reads a call's reset before the next call's headers
          String answer =
              ClientCalls.futureUnary(channel, DrainService.WORK, CallOptions.DEFAULT, "m" + i)
                  .get(10, TimeUnit.SECONDS);
          assertThat(answer).isEqualTo("m" + i);
        }
        assertThat(resets).hasValue(0);
      } finally {
        channel.shutdownNow();
        server.close().sync();
      }
    } finally {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    }
  }

  /** Answers each request (one DATA frame with END_STREAM) with the same bytes and status OK. */
  private final class EchoServer extends Http2FrameAdapter {
    final Http2ConnectionHandler handler =
        new Http2ConnectionHandlerBuilder()
            .server(true)
            .frameListener(this)
            .frameLogger(
                new Http2FrameLogger(LogLevel.DEBUG) {
                  @Override
                  public void logRstStream(
                      Direction direction, ChannelHandlerContext ctx, int streamId, long code) {
                    if (direction == Direction.INBOUND) {
                      resets.incrementAndGet();
                    }
                  }
                })
            .build();

    @Override
    public int onDataRead(
        ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
      int n = data.readableBytes() + padding;
      if (endOfStream) {
        ChannelFuture unused =
            handler
                .encoder()
                .writeHeaders(
                    ctx,
                    streamId,
                    new DefaultHttp2Headers()
                        .status("200")
                        .set(GrpcWire.CONTENT_TYPE, GrpcWire.APPLICATION_GRPC),
                    0,
                    false,
                    ctx.newPromise());
        unused =
            handler.encoder().writeData(ctx, streamId, data.retain(), 0, false, ctx.newPromise());
        unused =
            handler
                .encoder()
                .writeHeaders(
                    ctx,
                    streamId,
                    new DefaultHttp2Headers().set(GrpcWire.GRPC_STATUS, "0"),
                    0,
                    true,
                    ctx.newPromise());
        ctx.flush();
      }
      return n;
    }
  }
}
