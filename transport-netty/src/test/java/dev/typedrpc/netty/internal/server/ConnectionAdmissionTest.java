package dev.typedrpc.netty.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.netty.internal.ConnectionRefusal;
import dev.typedrpc.spi.ServerLimits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The acceptor's side of the connection limits on real sockets, with a child pipeline that does
 * nothing: refused connections are marked (their pipeline answers them) while few wait; beyond the
 * bound on waiting refusals, they are closed at once.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConnectionAdmissionTest {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final List<RawPeer> peers = new ArrayList<>();
  private final ConcurrentLinkedQueue<String> marks = new ConcurrentLinkedQueue<>();

  @AfterEach
  void stop() throws Exception {
    for (RawPeer p : peers) {
      p.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void refusalsBeyondTheWaitingBoundAreClosedAtOnce() throws Exception {
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .handler(new ConnectionAdmission(ServerLimits.DEFAULT.withMaxConnections(1, 1), 1))
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    String reason = ConnectionRefusal.reason(ch);
                    marks.add(reason == null ? "admitted" : reason);
                  }
                })
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .sync()
            .channel();
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    RawPeer admitted = open(port);
    RawPeer refused = open(port); // marked, waits for its answer (here: forever)
    RawPeer dropped = open(port);
    assertThat(dropped.closedByServerWithin(5_000)).isTrue();
    assertThat(admitted.closedByServerWithin(200)).isFalse();
    assertThat(refused.closedByServerWithin(200)).isFalse();
    assertThat(marks)
        .containsExactly(
            "admitted", "too many connections to this server (limit 1)"); // never registered
    refused.close(); // its waiting place comes back once the server sees the close
    RawPeer next = null;
    for (int i = 0; i < 100 && marks.size() < 3; i++) {
      if (next != null) {
        next.close();
      }
      Thread.sleep(20);
      next = open(port);
      next.closedByServerWithin(100);
    }
    assertThat(marks).hasSize(3).last().asString().startsWith("too many connections");
    server.close().sync();
  }

  private RawPeer open(int port) throws Exception {
    RawPeer p = new RawPeer(port);
    peers.add(p);
    return p;
  }
}
