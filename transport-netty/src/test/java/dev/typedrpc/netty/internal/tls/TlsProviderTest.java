package dev.typedrpc.netty.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.RpcServer;
import dev.typedrpc.netty.TestCerts;
import dev.typedrpc.testing.ConformanceService;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code tls-provider}: OpenSSL by default when netty-tcnative loads (the tests' class path has it,
 * so the TLS tests without a provider run on OpenSSL and their {@code *JdkTest} subclasses on the
 * JDK's), the JDK's when asked, and clear errors for anything else.
 */
class TlsProviderTest {
  private static final URI TARGET = URI.create("h2://127.0.0.1:1");

  @Test
  void openSslLoadsHereAndIsTheDefault() {
    assertThat(OpenSsl.isAvailable()).as("%s", OpenSsl.unavailabilityCause()).isTrue();
    assertThat(client(Map.of())).isInstanceOf(OpenSslContext.class);
    assertThat(server(Map.of())).isInstanceOf(OpenSslContext.class);
  }

  @Test
  void eachProviderWhenAskedFor() {
    assertThat(client(Map.of("tls-provider", "jdk"))).isInstanceOf(JdkSslContext.class);
    assertThat(server(Map.of("tls-provider", "jdk"))).isInstanceOf(JdkSslContext.class);
    assertThat(client(Map.of("tls-provider", "openssl"))).isInstanceOf(OpenSslContext.class);
    assertThat(server(Map.of("tls-provider", "openssl"))).isInstanceOf(OpenSslContext.class);
  }

  @Test
  void anotherProviderIsRefused() {
    assertThatThrownBy(() -> client(Map.of("tls-provider", "boringssl")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls-provider is jdk or openssl, was 'boringssl'");
    assertThatThrownBy(
            () ->
                RpcServer.builder()
                    .listen(URI.create(TestCerts.tlsListenUri() + "&tls-provider=OpenSSL"))
                    .addService(new ConformanceService().definition())
                    .build()
                    .start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls-provider is jdk or openssl, was 'OpenSSL'");
  }

  @Test
  void aProviderWithoutACertificateIsRefused() {
    assertThatThrownBy(
            () ->
                RpcServer.builder()
                    .listen(URI.create("ws://127.0.0.1:0/rpc?tls-provider=jdk"))
                    .addService(new ConformanceService().definition())
                    .build()
                    .start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls-provider needs a certificate");
  }

  @Test
  void theErrorWhenOpenSslIsMissingNamesTheArtifact() {
    assertThat(
            TlsProvider.unavailable(
                new UnsatisfiedLinkError("no netty_tcnative_linux_x86_64 in java.library.path"),
                TARGET))
        .contains("tls-provider=openssl needs OpenSSL")
        .contains("io.netty:netty-tcnative-boringssl-static")
        .contains("tls-provider=jdk")
        .contains("no netty_tcnative_linux_x86_64")
        .endsWith(TARGET.toString());
  }

  private static SslContext client(Map<String, String> params) {
    return Tls.client(params, ApplicationProtocolNames.HTTP_2, TARGET).context();
  }

  private static SslContext server(Map<String, String> params) {
    Map<String, String> withCert =
        new HashMap<>(
            Map.of(
                "tls-cert", TestCerts.serverCert().toString(),
                "tls-key", TestCerts.serverKey().toString()));
    withCert.putAll(params);
    return Tls.server(withCert, true, URI.create("wss://127.0.0.1:0/rpc"));
  }
}
