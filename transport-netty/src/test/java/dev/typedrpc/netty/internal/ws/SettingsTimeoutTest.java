package dev.typedrpc.netty.internal.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A WebSocket server that completes the handshake and then sends no SETTINGS: the client's wait is
 * bounded.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SettingsTimeoutTest {
  @Test
  void noSettingsAfterTheHandshakeFailsWithinTheConnectTimeout() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    RpcChannel channel = null;
    try {
      int port = silentServer(group);
      TransportSettings settings =
          TransportSettings.DEFAULT.withConnectTimeout(Duration.ofSeconds(1));
      channel =
          RpcChannel.connect(
              URI.create("ws://127.0.0.1:" + port + "/rpc"),
              ChannelOptions.DEFAULT.withTransport(settings));
      RpcChannel c = channel;
      CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
      assertThatThrownBy(() -> ClientCalls.blockingUnary(c, ConformanceService.ECHO, options, "x"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> {
                assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.status().description())
                    .contains("no SETTINGS from")
                    .contains(port + " within 1000 ms of the WebSocket handshake");
              });
    } finally {
      if (channel != null) {
        channel.shutdownNow();
        assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /**
   * A call whose deadline passes while its connection waits for the server's SETTINGS ends at its
   * deadline ({@code DEADLINE_EXCEEDED}), not when the wait ends (10 s here, {@code UNAVAILABLE}).
   */
  @Test
  void aDeadlineThatPassesWhileWaitingForSettingsEndsTheCall() throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    RpcChannel channel = null;
    try {
      int port = silentServer(group);
      channel =
          RpcChannel.connect(
              URI.create("ws://127.0.0.1:" + port + "/rpc"),
              ChannelOptions.DEFAULT.withTransport(
                  TransportSettings.DEFAULT.withConnectTimeout(Duration.ofSeconds(10))));
      RpcChannel c = channel;
      CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofMillis(500));
      assertThatThrownBy(() -> ClientCalls.blockingUnary(c, ConformanceService.ECHO, options, "x"))
          .isInstanceOfSatisfying(
              RpcException.class,
              e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    } finally {
      if (channel != null) {
        channel.shutdownNow();
        assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** A server that completes the WebSocket upgrade and then sends nothing; returns its port. */
  private static int silentServer(EventLoopGroup group) throws InterruptedException {
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpServerCodec());
                    ch.pipeline().addLast(new HttpObjectAggregator(8192));
                    ch.pipeline()
                        .addLast(
                            new WebSocketServerProtocolHandler("/rpc", WsPipelines.SUBPROTOCOL));
                  }
                })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .sync()
            .channel();
    return ((InetSocketAddress) server.localAddress()).getPort();
  }
}
