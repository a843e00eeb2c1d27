package dev.typedrpc.netty.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.spi.ServerLimits;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The origin allow-list on a real socket: a page of another site cannot open a WebSocket or an SSE
 * session (403 before any upgrade: cross-site WebSocket hijacking); an allowed origin and clients
 * that send no {@code Origin} can.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OriginCheckTest {
  private static final String ALLOWED = "https://app.example.com";
  private static final String SSE_GET = "GET /rpc/sse HTTP/1.1\r\nHost: x\r\n";

  private RpcServer server;
  private RpcChannel channel;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen(URI.create("ws://127.0.0.1:0/rpc"))
            .addService(new ConformanceService().definition())
            .transportSettings(
                TransportSettings.DEFAULT.withServerLimits(
                    ServerLimits.DEFAULT.withAllowedOrigins(ALLOWED)))
            .build()
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
      assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  private String exchange(String request) throws Exception {
    try (RawPeer peer = new RawPeer(server.address().getPort())) {
      peer.send(request);
      return peer.readUntil("\r\n\r\n");
    }
  }

  private static String withOrigin(String request, String origin) {
    // the request head ends with a blank line: the Origin header goes before it
    String head =
        request.endsWith("\r\n\r\n") ? request.substring(0, request.length() - 2) : request;
    return head + "Origin: " + origin + "\r\n\r\n";
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://evil.example", "null", "https://app.example.com:8443"})
  void foreignOriginIsRefusedBeforeTheWebSocketUpgrade(String origin) throws Exception {
    try (RawPeer peer = new RawPeer(server.address().getPort())) {
      peer.send(withOrigin(RawPeer.WS_UPGRADE, origin));
      String response = peer.readToEnd(); // and the server closes the connection
      assertThat(response)
          .startsWith("HTTP/1.1 403 Forbidden\r\n")
          .contains("origin " + origin + " is not allowed")
          .doesNotContain("101");
    }
  }

  @Test
  void foreignOriginIsRefusedAnSseSession() throws Exception {
    try (RawPeer peer = new RawPeer(server.address().getPort())) {
      peer.send(withOrigin(SSE_GET + "\r\n", "https://evil.example"));
      assertThat(peer.readToEnd())
          .startsWith("HTTP/1.1 403 Forbidden\r\n")
          .doesNotContain("text/event-stream");
    }
  }

  @Test
  void allowedOriginUpgrades() throws Exception {
    assertThat(exchange(withOrigin(RawPeer.WS_UPGRADE, "HTTPS://APP.example.com")))
        .startsWith("HTTP/1.1 101 ");
    assertThat(exchange(withOrigin(SSE_GET + "\r\n", ALLOWED)))
        .startsWith("HTTP/1.1 200 ")
        .contains("text/event-stream");
  }

  @Test
  void requestWithoutOriginUpgrades() throws Exception {
    assertThat(exchange(RawPeer.WS_UPGRADE)).startsWith("HTTP/1.1 101 ");
  }

  /** The Java client sends no Origin: it is not a browser page. */
  @ParameterizedTest
  @ValueSource(strings = {"ws://%s/rpc", "sse://%s/rpc", "h2c://%s"})
  void javaClientsAreAdmitted(String target) {
    channel =
        RpcChannel.connect(
            URI.create(String.format(target, server.address().getRawAuthority())),
            ChannelOptions.DEFAULT);
    assertThat(
            ClientCalls.blockingUnary(
                channel,
                ConformanceService.ECHO,
                CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)),
                "hi"))
        .isEqualTo("hi");
  }

  @Test
  void originsAreValidated() {
    assertThatThrownBy(() -> ServerLimits.DEFAULT.withAllowedOrigins("https://a.example/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scheme://host[:port]");
    assertThatThrownBy(() -> ServerLimits.DEFAULT.withAllowedOrigins("a.example"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ServerLimits.DEFAULT.admitsOrigin("https://anything.example")).isTrue();
  }
}
