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
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One bound on a server connection's handshake ({@code connectTimeout}, here 1 s), on real sockets:
 * a peer that stalls at any step before the protocol runs is closed; one whose handshake completed
 * is not.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandshakeTimeoutTest {
  private static final int TIMEOUT_MILLIS = 1000;

  /** Well past the bound, on a loaded machine. */
  private static final int WAIT_MILLIS = 15_000;

  private final List<RawPeer> peers = new ArrayList<>();
  private RpcServer server;
  private RpcChannel channel;

  @BeforeEach
  void start() throws IOException {
    server =
        RpcServer.builder()
            .listen(TestCerts.tlsListenUri())
            .addService(new ConformanceService().definition())
            .transportSettings(
                TransportSettings.DEFAULT.withConnectTimeout(Duration.ofMillis(TIMEOUT_MILLIS)))
            .build()
            .start();
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
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  private RawPeer peer() throws IOException {
    RawPeer p = new RawPeer(server.address().getPort());
    peers.add(p);
    return p;
  }

  @Test
  void aConnectionThatSendsNothingIsClosed() throws Exception {
    assertThat(peer().closedByServerWithin(WAIT_MILLIS)).isTrue();
  }

  @Test
  void aPartialHttpRequestIsClosed() throws Exception {
    RawPeer p = peer();
    p.send("GET /rpc HTTP/1.1\r\nHost: x\r\n");
    assertThat(p.closedByServerWithin(WAIT_MILLIS)).isTrue();
  }

  @Test
  void aWebSocketUpgradeWithoutSettingsIsClosed() throws Exception {
    RawPeer p = peer();
    p.send(RawPeer.WS_UPGRADE);
    assertThat(p.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 101 Switching Protocols");
    // the server's SETTINGS arrive; the client never sends its own
    assertThat(p.closedByServerWithin(WAIT_MILLIS)).isTrue();
  }

  @Test
  void anSseEventStreamWhoseClientNeverPostsIsClosed() throws Exception {
    RawPeer p = peer();
    p.send("GET /rpc/sse HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
    assertThat(p.readUntil("event: session")).startsWith("HTTP/1.1 200 OK");
    assertThat(p.closedByServerWithin(WAIT_MILLIS)).isTrue();
  }

  @Test
  void aPartialHttp2PrefaceIsClosed() throws Exception {
    RawPeer p = peer();
    p.send(Arrays.copyOf(ProtocolSniffer.PREFACE, 10));
    assertThat(p.closedByServerWithin(WAIT_MILLIS)).isTrue();
  }

  @Test
  void anHttp2PrefaceWithoutSettingsIsClosed() throws Exception {
    RawPeer p = peer();
    p.send(ProtocolSniffer.PREFACE);
    RawPeer.Frame first = p.readFrame();
    assertThat(first.type()).as("the server's SETTINGS").isEqualTo(4);
    assertThat(p.closedByServerWithin(WAIT_MILLIS)).isTrue();
  }

  @Test
  void aTlsClientHelloThatStallsIsClosed() throws Exception {
    RawPeer p = peer();
    // a TLS 1.2 handshake record header announcing more bytes than ever come
    p.send(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
    assertThat(p.closedByServerWithin(WAIT_MILLIS)).isTrue();
  }

  @Test
  void anHttp2ConnectionOverTlsWithoutItsPrefaceIsClosed() throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new TrustManager[] {new TrustingManager()}, null);
    try (SSLSocket socket =
        (SSLSocket)
            tls.getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), server.address().getPort())) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(WAIT_MILLIS);
      socket.startHandshake();
      assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
      // the server's SETTINGS come; the client's preface never does
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[256];
      boolean closed = false;
      try {
        while (in.read(buf) >= 0) {
          // drain
        }
        closed = true;
      } catch (SocketTimeoutException e) {
        closed = false;
      } catch (IOException e) {
        closed = true; // reset
      }
      assertThat(closed).as("closed by the server").isTrue();
    }
  }

  /** Trusts any certificate: the test checks the server's deadline, not its certificate. */
  private static final class TrustingManager implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  @Test
  void aConnectionWhoseHandshakeCompletedStaysOpen() throws Exception {
    RawPeer p = peer();
    p.send(ProtocolSniffer.PREFACE);
    p.send(RawPeer.EMPTY_SETTINGS);
    assertThat(p.readFrame().type()).isEqualTo(4);
    assertThat(p.closedByServerWithin(3 * TIMEOUT_MILLIS)).isFalse();
    p.socket.setSoTimeout(5_000);
    // it is still served: a PING is answered
    p.send(new byte[] {0, 0, 8, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8});
    RawPeer.Frame f;
    do {
      f = p.readFrame();
    } while (f.type() != 6);
    assertThat(f.flags()).as("PING ack").isEqualTo(1);
    assertThat(new String(f.payload(), StandardCharsets.ISO_8859_1))
        .isEqualTo(new String(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, StandardCharsets.ISO_8859_1));
  }

  /**
   * A call that outlives the handshake bound ends by its own deadline, not by the bound, on every
   * transport.
   */
  @ParameterizedTest
  @ValueSource(strings = {"ws", "wss", "sse", "sses", "h2c", "h2"})
  void callsOutliveTheHandshakeBound(String scheme) throws Exception {
    boolean tls = scheme.equals("wss") || scheme.equals("sses") || scheme.equals("h2");
    String path = scheme.startsWith("h2") ? "" : "/rpc";
    URI target =
        URI.create(
            scheme
                + "://"
                + server.address().getRawAuthority()
                + path
                + (tls ? "?" + TestCerts.trustQuery() : ""));
    channel = RpcChannel.connect(target, ChannelOptions.DEFAULT);
    RpcChannel c = channel;
    // on a loaded machine a TLS or SSE handshake may itself outlast the 1 s bound and be closed:
    // the first call waits through the channel's reconnects until one handshake completed
    CallOptions first = CallOptions.DEFAULT.withWaitForReady().withTimeout(Duration.ofSeconds(40));
    assertThat(ClientCalls.blockingUnary(c, ConformanceService.ECHO, first, "a")).isEqualTo("a");
    CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofMillis(3 * TIMEOUT_MILLIS));
    assertThatThrownBy(() -> ClientCalls.blockingUnary(c, ConformanceService.SLEEP, options, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
  }
}
