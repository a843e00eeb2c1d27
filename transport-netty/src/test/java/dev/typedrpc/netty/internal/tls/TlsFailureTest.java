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
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every TLS failure is named in the status a client sees, on every TLS scheme: a server that does
 * not answer TLS (a typedrpc server without a certificate, a plain HTTP server, a silent one), an
 * untrusted certificate, a certificate for another name, ALPN not agreed; and the reverse, a
 * cleartext client whose server answers TLS.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TlsFailureTest {
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private RpcChannel channel;

  /**
   * The {@code tls-provider} of the TLS servers and clients, or null for the default (OpenSSL on
   * the tests' class path); a subclass runs the tests with the JDK's.
   */
  protected String provider() {
    return null;
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
      assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private int typedrpcServer(URI listen) throws Exception {
    RpcServer server =
        RpcServer.builder()
            .listen(
                listen.toString().contains("tls-cert")
                    ? TestCerts.withProvider(listen, provider())
                    : listen)
            .addService(new ConformanceService().definition())
            .build()
            .start();
    closeables.add(
        () -> {
          server.shutdownNow();
          assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
        });
    return server.address().getPort();
  }

  /**
   * Fails the call to {@code target} and returns the status's description; the code must be
   * UNAVAILABLE.
   */
  private String failure(String target, int port, String query) {
    URI uri =
        URI.create(
            String.format(target, "127.0.0.1:" + port) + (query.isEmpty() ? "" : "?" + query));
    if (uri.getScheme().matches("wss|h2|sses")) {
      uri = TestCerts.withProvider(uri, provider());
    }
    TransportSettings settings =
        TransportSettings.DEFAULT.withConnectTimeout(Duration.ofSeconds(2));
    channel = RpcChannel.connect(uri, ChannelOptions.DEFAULT.withTransport(settings));
    CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
    String[] description = new String[1];
    assertThatThrownBy(
            () -> ClientCalls.blockingUnary(channel, ConformanceService.ECHO, options, "x"))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE);
              description[0] = e.status().description();
            });
    return description[0];
  }

  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s", "sses://%s/rpc"})
  void cleartextOnlyTypedrpcServer(String target) throws Exception {
    int port = typedrpcServer(URI.create("ws://127.0.0.1:0/rpc"));
    assertThat(failure(target, port, TestCerts.trustQuery()))
        .contains("TLS handshake with 127.0.0.1:" + port + " failed")
        .contains("the server did not answer TLS");
  }

  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s", "sses://%s/rpc"})
  void plainHttpServer(String target) throws Exception {
    int port = rawServer(true);
    assertThat(failure(target, port, TestCerts.trustQuery()))
        .contains("TLS handshake with 127.0.0.1:" + port + " failed")
        .contains("the server did not answer TLS")
        .contains("cleartext");
  }

  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s", "sses://%s/rpc"})
  void silentServer(String target) throws Exception {
    int port = rawServer(false);
    assertThat(failure(target, port, TestCerts.trustQuery()))
        .contains("TLS handshake with 127.0.0.1:" + port + " failed")
        .contains("the server did not complete the TLS handshake within 2000 ms");
  }

  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s", "sses://%s/rpc"})
  void untrustedCertificate(String target) throws Exception {
    int port = typedrpcServer(TestCerts.tlsListenUri());
    assertThat(failure(target, port, "tls-authority=foo.test.google.fr"))
        .contains("TLS handshake with 127.0.0.1:" + port + " failed")
        .contains("the server's certificate is not trusted")
        .contains("tls-trust");
  }

  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s", "sses://%s/rpc"})
  void certificateForAnotherName(String target) throws Exception {
    int port = typedrpcServer(TestCerts.tlsListenUri());
    assertThat(failure(target, port, "tls-trust=" + TestCerts.ca()))
        .contains("TLS handshake with 127.0.0.1:" + port + " failed")
        .contains("the server's certificate does not match the name 127.0.0.1")
        .contains("tls-authority");
  }

  /**
   * h2 needs ALPN h2; wss and sses offer http/1.1. Each meets a TLS server that only speaks the
   * other one.
   */
  @ParameterizedTest
  @ValueSource(strings = {"wss://%s/rpc", "h2://%s", "sses://%s/rpc"})
  void alpnNotAgreed(String target) throws Exception {
    String offered = target.startsWith("h2") ? "h2" : "http/1.1";
    int port = tlsServer(offered.equals("h2") ? "http/1.1" : "h2");
    assertThat(failure(target, port, TestCerts.trustQuery()))
        .contains("TLS handshake with 127.0.0.1:" + port + " failed")
        .contains("the server did not agree to ALPN protocol " + offered);
  }

  /** A TLS-only server answers a cleartext request with a TLS alert: the client says so. */
  @ParameterizedTest
  @ValueSource(strings = {"ws://%s/rpc", "h2c://%s", "sse://%s/rpc"})
  void cleartextClientOfATlsServer(String target) throws Exception {
    int port = tlsServer("h2", "http/1.1");
    String secure =
        target.startsWith("ws") ? "wss://" : target.startsWith("h2c") ? "h2://" : "sses://";
    assertThat(failure(target, port, ""))
        .contains("the server at 127.0.0.1:" + port + " answered with TLS")
        .contains(secure);
  }

  /**
   * A server on a plain socket: {@code http} answers whatever it reads with an HTTP 400 in
   * cleartext and closes; otherwise it reads and never answers.
   */
  private int rawServer(boolean http) throws IOException {
    ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    closeables.add(socket);
    Thread t =
        new Thread(
            () -> {
              List<Socket> accepted = new ArrayList<>();
              try {
                while (true) {
                  Socket s = socket.accept();
                  accepted.add(s);
                  InputStream in = s.getInputStream();
                  int unused = in.read(new byte[1024]);
                  if (http) {
                    OutputStream out = s.getOutputStream();
                    out.write(
                        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.close();
                  }
                }
              } catch (IOException e) {
                for (Socket s : accepted) {
                  try {
                    s.close();
                  } catch (IOException ignored) {
                    // closing
                  }
                }
              }
            },
            "raw-server");
    t.setDaemon(true);
    t.start();
    return socket.getLocalPort();
  }

  /**
   * A JDK TLS server with the test certificate whose ALPN accepts only {@code protocols} (a client
   * offering none of them gets the no_application_protocol alert); after the handshake it answers
   * nothing.
   */
  private int tlsServer(String... protocols) throws Exception {
    SSLContext context =
        ((JdkSslContext)
                SslContextBuilder.forServer(
                        TestCerts.serverCert().toFile(), TestCerts.serverKey().toFile())
                    .sslProvider(SslProvider.JDK)
                    .build())
            .context();
    SSLServerSocket socket =
        (SSLServerSocket)
            context
                .getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    SSLParameters parameters = socket.getSSLParameters();
    parameters.setApplicationProtocols(protocols);
    socket.setSSLParameters(parameters);
    closeables.add(socket);
    Thread t =
        new Thread(
            () -> {
              List<Socket> accepted = new ArrayList<>();
              try {
                while (true) {
                  SSLSocket s = (SSLSocket) socket.accept();
                  accepted.add(s);
                  try {
                    s.startHandshake();
                  } catch (IOException e) {
                    s.close(); // the JDK has sent its alert
                  }
                }
              } catch (IOException e) {
                for (Socket s : accepted) {
                  try {
                    s.close();
                  } catch (IOException ignored) {
                    // closing
                  }
                }
              }
            },
            "tls-server");
    t.setDaemon(true);
    t.start();
    return socket.getLocalPort();
  }
}
