package dev.typedrpc.netty.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.auth.Authentication;
import dev.typedrpc.auth.Authenticator;
import dev.typedrpc.auth.Principal;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.netty.TestCerts;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.TestCodecs;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mutual TLS on every TLS transport (wss, h2, sses): the client certificate the server verified
 * reaches {@link RpcContext#peerCertificates()}; a server that requires one refuses clients without
 * one or with one its CA did not sign; an optional one leaves such clients anonymous.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MutualTlsTest {
  private static final MethodDescriptor<String, String> WHOAMI =
      MethodDescriptor.of(
          "test.Mtls", "Whoami", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);
  private static final MethodDescriptor<String, String> PRINCIPAL =
      MethodDescriptor.of(
          "test.Mtls", "Principal", CallKind.UNARY, TestCodecs.STRING, TestCodecs.STRING);
  private static final ServiceDescriptor SERVICE =
      ServiceDescriptor.of("test.Mtls", 1, List.of(WHOAMI, PRINCIPAL));

  private RpcServer server;
  private RpcChannel channel;

  /**
   * The {@code tls-provider} of the TLS servers and clients, or null for the default (OpenSSL on
   * the tests' class path); a subclass runs the tests with the JDK's.
   */
  protected String provider() {
    return null;
  }

  /** The subject of the client's certificate, or "anonymous"; chain length after a slash. */
  private static String whoami(String unused) {
    List<X509Certificate> chain = RpcContext.current().peerCertificates();
    return chain.isEmpty()
        ? "anonymous"
        : chain.get(0).getSubjectX500Principal().getName() + "/" + chain.size();
  }

  private void start(URI listen, ServerInterceptor... interceptors) throws Exception {
    server =
        RpcServer.builder()
            .listen(TestCerts.withProvider(listen, provider()))
            .intercept(interceptors)
            .addService(
                ServerServiceDefinition.builder(SERVICE)
                    .unary(WHOAMI, MutualTlsTest::whoami)
                    .unary(PRINCIPAL, s -> Principal.current().name())
                    .build())
            .build()
            .start();
  }

  private String call(String target, String query) {
    URI uri =
        URI.create(
            String.format(target, server.address().getRawAuthority())
                + "?"
                + TestCerts.trustQuery()
                + (query.isEmpty() ? "" : "&" + query));
    channel = RpcChannel.connect(TestCerts.withProvider(uri, provider()), ChannelOptions.DEFAULT);
    return ClientCalls.blockingUnary(
        channel, WHOAMI, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20)), "x");
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

  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s", "sses://%s/rpc"})
  void requiredClientCertificateReachesTheContext(String target) throws Exception {
    start(TestCerts.mutualTlsListenUri("require"));
    assertThat(call(target, TestCerts.clientCertQuery()))
        .startsWith("CN=" + TestCerts.CLIENT_CN + ",")
        .endsWith("/1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s", "sses://%s/rpc"})
  void clientWithoutCertificateIsRefusedWhenOneIsRequired(String target) throws Exception {
    start(TestCerts.mutualTlsListenUri("require"));
    assertThatThrownBy(() -> call(target, ""))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
              // TLS 1.3: the server's alert arrives after the client's side of the handshake;
              // OpenSSL sends TLS 1.3's own alert for a missing certificate, the JDK an older one
              String alert = "jdk".equals(provider()) ? "bad_certificate" : "certificate_required";
              assertThat(e.status().description()).contains("Received fatal alert: " + alert);
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s", "sses://%s/rpc"})
  void certificateNoTrustedCaSignedIsRefused(String target) throws Exception {
    start(TestCerts.mutualTlsListenUri("require"));
    assertThatThrownBy(() -> call(target, TestCerts.badClientCertQuery()))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  /**
   * The server names the CAs it trusts; a client whose certificate none of them issued sends none,
   * and is anonymous where a certificate is optional.
   */
  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s", "sses://%s/rpc"})
  void certificateNoTrustedCaSignedIsNotSentWhenOptional(String target) throws Exception {
    start(TestCerts.mutualTlsListenUri("optional"));
    assertThat(call(target, TestCerts.badClientCertQuery())).isEqualTo("anonymous");
  }

  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s", "sses://%s/rpc"})
  void optionalClientCertificate(String target) throws Exception {
    start(TestCerts.mutualTlsListenUri("optional"));
    assertThat(call(target, "")).isEqualTo("anonymous");
    channel.shutdownNow();
    assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    assertThat(call(target, TestCerts.clientCertQuery()))
        .startsWith("CN=" + TestCerts.CLIENT_CN + ",");
  }

  /**
   * The certificate's principal: an authenticator that reads it, with bearer tokens for clients
   * without one; a client with neither is UNAUTHENTICATED.
   */
  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s", "sses://%s/rpc"})
  void theCertificateIsThePrincipal(String target) throws Exception {
    start(
        TestCerts.mutualTlsListenUri("optional"),
        Authentication.required(
            Authenticator.clientCertificate(Authenticator::commonName)
                .orElse(Authenticator.bearer(t -> null))));
    assertThat(
            ClientCalls.blockingUnary(
                connect(target, TestCerts.clientCertQuery()),
                PRINCIPAL,
                CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20)),
                "x"))
        .isEqualTo(TestCerts.CLIENT_CN);
    channel.shutdownNow();
    assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    RpcChannel anonymous = connect(target, "");
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnary(
                    anonymous,
                    PRINCIPAL,
                    CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20)),
                    "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  private RpcChannel connect(String target, String query) {
    URI uri =
        URI.create(
            String.format(target, server.address().getRawAuthority())
                + "?"
                + TestCerts.trustQuery()
                + (query.isEmpty() ? "" : "&" + query));
    channel = RpcChannel.connect(TestCerts.withProvider(uri, provider()), ChannelOptions.DEFAULT);
    return channel;
  }

  @Test
  void cleartextOnTheSamePortHasNoCertificate() throws Exception {
    start(TestCerts.mutualTlsListenUri("require"));
    channel =
        RpcChannel.connect(
            URI.create("h2c://" + server.address().getRawAuthority()), ChannelOptions.DEFAULT);
    assertThat(
            ClientCalls.blockingUnary(
                channel, WHOAMI, CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20)), "x"))
        .isEqualTo("anonymous");
  }

  @Test
  void clientAuthNeedsATrustFile() {
    assertThatThrownBy(
            () -> start(URI.create(TestCerts.tlsListenUri() + "&tls-client-auth=require")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls-client-trust");
    assertThatThrownBy(() -> start(URI.create(TestCerts.mutualTlsListenUri("always").toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls-client-auth is require or optional, was 'always'");
  }
}
