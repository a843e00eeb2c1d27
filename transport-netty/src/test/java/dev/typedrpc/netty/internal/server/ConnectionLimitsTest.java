package dev.typedrpc.netty.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.netty.TestCerts;
import dev.typedrpc.spi.ServerLimits;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server's connection limits on real sockets: the connection beyond the total or per-address
 * limit is answered {@code 503} before any upgrade (HTTP/1.1) or sent {@code GOAWAY REFUSED_STREAM}
 * (HTTP/2), naming the limit, and closed; a slot comes back when a connection closes; and what a
 * typedrpc client sees on each transport.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionLimitsTest {
  private static final byte[] PREFACE = ProtocolSniffer.PREFACE;
  private static final int GOAWAY = 7;
  private static final int REFUSED_STREAM = 7;

  private final List<RawPeer> peers = new ArrayList<>();
  private RpcServer server;
  private RpcChannel channel;

  private void start(int total, int perAddress, URI listen) throws IOException {
    server =
        RpcServer.builder()
            .listen(listen)
            .addService(new ConformanceService().definition())
            .transportSettings(
                TransportSettings.DEFAULT.withServerLimits(
                    ServerLimits.DEFAULT.withMaxConnections(total, perAddress)))
            .build()
            .start();
  }

  private void start(int total, int perAddress) throws IOException {
    start(total, perAddress, URI.create("ws://127.0.0.1:0/rpc"));
  }

  @AfterEach
  void stop() throws Exception {
    for (RawPeer p : peers) {
      p.close();
    }
    if (channel != null) {
      channel.shutdownNow();
      assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  private RawPeer peer(InetAddress from) throws IOException {
    RawPeer p = new RawPeer(from, server.address().getPort());
    peers.add(p);
    return p;
  }

  private RawPeer peer() throws IOException {
    return peer(null);
  }

  /** Upgrades a new connection, and returns the server's answer: its status line and headers. */
  private String upgrade(InetAddress from) throws IOException {
    RawPeer p = peer(from);
    p.send(RawPeer.WS_UPGRADE);
    return p.readUntil("\r\n\r\n");
  }

  @Test
  void theConnectionBeyondTheTotalIsAnswered503AndASlotComesBackOnClose() throws Exception {
    start(2, 100);
    RawPeer first = peer();
    assertThat(upgrade(null)).startsWith("HTTP/1.1 101 Switching Protocols");

    RawPeer third = peer(); // accepted after the first two: the accept queue is in order
    third.send(RawPeer.WS_UPGRADE);
    String answer = third.readToEnd(); // and the server closes it
    assertThat(answer)
        .startsWith("HTTP/1.1 503 Service Unavailable\r\n")
        .contains("connection: close\r\n")
        .endsWith("\r\n\r\ntoo many connections to this server (limit 2)\n");

    first.close(); // its slot comes back once the server has seen the close
    assertThat(upgradeOnceASlotIsFree(null)).startsWith("HTTP/1.1 101 Switching Protocols");
  }

  /** Upgrades until the server's answer is not a 503 (the slot given back asynchronously). */
  private String upgradeOnceASlotIsFree(InetAddress from) throws Exception {
    for (int attempt = 0; ; attempt++) {
      String answer = upgrade(from);
      if (!answer.startsWith("HTTP/1.1 503") || attempt == 100) {
        return answer;
      }
      Thread.sleep(50);
    }
  }

  @Test
  void oneAddressCannotTakeEveryConnection() throws Exception {
    InetAddress one = InetAddress.getByName("127.0.0.1");
    InetAddress two = InetAddress.getByName("127.0.0.2"); // on Linux all of 127/8 is loopback
    start(100, 2);
    peer(one);
    peer(one);
    RawPeer third = peer(one);
    third.send(RawPeer.WS_UPGRADE);
    assertThat(third.readToEnd())
        .startsWith("HTTP/1.1 503 Service Unavailable\r\n")
        .endsWith("\r\n\r\ntoo many connections from 127.0.0.1 (limit 2 per address)\n");
    assertThat(upgrade(two)).startsWith("HTTP/1.1 101 Switching Protocols");
  }

  @Test
  void anHttp2ConnectionBeyondTheLimitIsSentGoAwayNamingIt() throws Exception {
    start(1, 100);
    peer();
    RawPeer refused = peer();
    refused.send(PREFACE);
    refused.send(RawPeer.EMPTY_SETTINGS);
    RawPeer.Frame goAway = null;
    for (int i = 0; i < 5 && goAway == null; i++) {
      RawPeer.Frame f = refused.readFrame();
      if (f.type() == GOAWAY) {
        goAway = f;
      }
    }
    assertThat(goAway).as("a GOAWAY among the first frames").isNotNull();
    ByteBuffer payload = ByteBuffer.wrap(goAway.payload());
    assertThat(payload.getInt()).as("last stream id").isZero();
    assertThat(payload.getInt()).as("error code").isEqualTo(REFUSED_STREAM);
    assertThat(
            new String(
                Arrays.copyOfRange(goAway.payload(), 8, goAway.payload().length),
                StandardCharsets.UTF_8))
        .isEqualTo("too many connections to this server (limit 1)");
    assertThat(refused.closedByServerWithin(5_000)).isTrue();
  }

  /** What a typedrpc client refused a connection sees, on every transport, with and without TLS. */
  @ParameterizedTest
  @ValueSource(strings = {"ws", "wss", "sse", "sses", "h2c", "h2"})
  void aClientOfOursIsToldUnavailableNamingTheLimit(String scheme) throws Exception {
    start(1, 100, TestCerts.tlsListenUri());
    peer(); // holds the one slot
    String authority = server.address().getRawAuthority();
    boolean tls = scheme.equals("wss") || scheme.equals("sses") || scheme.equals("h2");
    String path = scheme.startsWith("h2") ? "" : "/rpc";
    URI target =
        URI.create(scheme + "://" + authority + path + (tls ? "?" + TestCerts.trustQuery() : ""));
    channel = RpcChannel.connect(target, ChannelOptions.DEFAULT);
    RpcChannel c = channel;
    CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20));
    assertThatThrownBy(() -> ClientCalls.blockingUnary(c, ConformanceService.ECHO, options, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.status().description())
                  .contains("too many connections to this server (limit 1)");
            });
  }
}
