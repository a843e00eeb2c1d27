package dev.typedrpc.netty.internal.tls;

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
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS on the shared port: cleartext next to it, ALPN's fallback, and clients that must not connect
 * (untrusted certificate, wrong host name, a server without TLS) failing with {@code UNAVAILABLE}
 * that names the cause.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TlsTest {
  private final ConformanceService service = new ConformanceService();
  private RpcServer server;
  private RpcChannel channel;

  /**
   * The {@code tls-provider} of the TLS servers and clients, or null for the default (OpenSSL on
   * the tests' class path); a subclass runs the tests with the JDK's.
   */
  protected String provider() {
    return null;
  }

  private RpcServer start(URI listen) throws Exception {
    URI tls =
        listen.toString().contains("tls-cert")
            ? TestCerts.withProvider(listen, provider())
            : listen;
    server = RpcServer.builder().listen(tls).addService(service.definition()).build().start();
    return server;
  }

  private String echo(URI target, String message) {
    URI tls =
        target.getScheme().matches("wss|h2|sses")
            ? TestCerts.withProvider(target, provider())
            : target;
    channel = RpcChannel.connect(tls, ChannelOptions.DEFAULT);
    return ClientCalls.blockingUnary(
        channel,
        ConformanceService.ECHO,
        CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)),
        message);
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
      assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  private static String authority(RpcServer s) {
    return s.address().getRawAuthority();
  }

  @Test
  void cleartextGrpcStillWorksOnATlsPort() throws Exception {
    start(TestCerts.tlsListenUri());
    assertThat(echo(URI.create("h2c://" + authority(server)), "h2c")).isEqualTo("h2c");
  }

  @Test
  void wssListenAddressRequiresACertificate() {
    assertThatThrownBy(() -> start(URI.create("wss://127.0.0.1:0/rpc")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls-cert");
  }

  @Test
  void wssListenAddressIsReportedAsWss() throws Exception {
    start(URI.create(TestCerts.tlsListenUri().toString().replace("ws://", "wss://")));
    assertThat(server.address().getScheme()).isEqualTo("wss");
    assertThat(echo(URI.create(server.address() + "?" + TestCerts.trustQuery()), "wss"))
        .isEqualTo("wss");
  }

  @Test
  void unreadableCertificateIsRefusedAtStart() {
    assertThatThrownBy(
            () ->
                start(URI.create("ws://127.0.0.1:0/rpc?tls-cert=/nonexistent.pem&tls-key=/k.pem")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls-cert names no readable file: /nonexistent.pem");
  }

  @Test
  void tlsParametersOnACleartextClientAddressAreRefused() {
    assertThatThrownBy(() -> echo(URI.create("ws://127.0.0.1:1/rpc?tls-trust=/ca.pem"), "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown query parameter tls-trust")
        .hasMessageContaining("wss://");
  }

  /** The JDK's default trust store does not know the test CA. */
  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s", "sses://%s/rpc"})
  void untrustedCertificateFailsWithUnavailable(String target) throws Exception {
    start(TestCerts.tlsListenUri());
    assertUnavailable(
        URI.create(String.format(target, authority(server))), "PKIX path building failed");
  }

  /** The test certificate is for *.test.google.fr, not 127.0.0.1. */
  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s"})
  void certificateForAnotherHostFailsWithUnavailable(String target) throws Exception {
    start(TestCerts.tlsListenUri());
    URI uri = URI.create(String.format(target, authority(server)) + "?tls-trust=" + TestCerts.ca());
    assertUnavailable(uri, "127.0.0.1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s"})
  void tlsClientOfACleartextOnlyServerFailsWithUnavailable(String target) throws Exception {
    start(URI.create("ws://127.0.0.1:0/rpc"));
    URI uri = URI.create(String.format(target, authority(server)) + "?" + TestCerts.trustQuery());
    assertThatThrownBy(() -> echo(uri, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  private void assertUnavailable(URI target, String detail) {
    assertThatThrownBy(() -> echo(target, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.status().description()).contains("TLS handshake with").contains(detail);
            });
  }

  /** A TLS client that offers no ALPN protocol gets HTTP/1.1: here a 404 for an unknown path. */
  @Test
  void tlsWithoutAlpnIsHttp1() throws Exception {
    start(TestCerts.tlsListenUri());
    try (SSLSocket socket =
        (SSLSocket)
            trustingTestCa()
                .getSocketFactory()
                .createSocket("127.0.0.1", server.address().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("GET /other HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(socket.getApplicationProtocol()).isEmpty();
      assertThat(response).startsWith("HTTP/1.1 404 ");
    }
  }

  private static SSLContext trustingTestCa() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream ca = Files.newInputStream(TestCerts.ca())) {
      trust.setCertificateEntry(
          "ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
