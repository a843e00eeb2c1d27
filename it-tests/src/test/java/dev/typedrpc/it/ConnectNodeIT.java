package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcServer;
import dev.typedrpc.it.connect.ConnectPeerServiceRpc;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The official Connect clients for Node ({@code @connectrpc/connect-node}, with message types that
 * {@code buf generate} and {@code protoc-gen-es} made from the {@code .proto} the processor
 * emitted) call a typedrpc server on 127.0.0.1 serving {@link ConnectPeerServiceImpl}: one Node
 * process per transport configuration, one JUnit result per case ({@link NodePeer}, {@code
 * connect-node/run.mjs}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConnectNodeIT {
  /** The name the interop suite's server certificate is valid for. */
  private static final String SERVER_NAME = "foo.test.google.fr";

  /** Every case {@code createGrpcTransport} passes. */
  private static final List<String> GRPC_CASES =
      List.of(
          "unary",
          "unaryMetadata",
          "serverStream",
          "serverStreamMetadata",
          "serverStreamError",
          "clientStream",
          "bidi",
          "error",
          "errorCodes",
          "deadline",
          "deadlineExceeded",
          "streamDeadlineExceeded",
          "cancel");

  /** The cases of the Connect protocol and gRPC-Web: unary and server streaming. */
  private static final List<String> WEB_CASES =
      List.of(
          "unary",
          "unaryMetadata",
          "serverStream",
          "serverStreamMetadata",
          "serverStreamError",
          "error",
          "errorCodes",
          "deadline",
          "deadlineExceeded",
          "streamDeadlineExceeded",
          "cancel");

  /** The Connect protocol's cases: {@link #WEB_CASES} and GET for the side-effect-free method. */
  private static final List<String> CONNECT_CASES =
      Stream.concat(WEB_CASES.stream(), Stream.of("get")).toList();

  private RpcServer server;
  private Path certs;

  @BeforeAll
  void start() throws Exception {
    certs = extractCertificates();
    server =
        RpcServer.builder()
            // one port: cleartext (h2c, HTTP/1.1) and TLS with the interop suite's certificate
            .listen(
                URI.create(
                    "ws://127.0.0.1:0/rpc?tls-cert="
                        + certs.resolve("server1.pem")
                        + "&tls-key="
                        + certs.resolve("server1.key")))
            .addService(ConnectPeerServiceRpc.bind(new ConnectPeerServiceImpl()))
            .build()
            .start();
  }

  @AfterAll
  void stop() throws Exception {
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
    if (certs != null) {
      for (String name : new String[] {"ca.pem", "server1.pem", "server1.key"}) {
        Files.deleteIfExists(certs.resolve(name));
      }
      Files.deleteIfExists(certs);
    }
  }

  private String config(String scheme, String protocol, String httpVersion, boolean binary) {
    String tls =
        scheme.equals("https")
            ? ",\"ca\":\"" + certs.resolve("ca.pem") + "\",\"servername\":\"" + SERVER_NAME + "\""
            : "";
    return "{\"baseUrl\":\""
        + scheme
        + "://127.0.0.1:"
        + server.address().getPort()
        + "\",\"protocol\":\""
        + protocol
        + "\",\"httpVersion\":\""
        + httpVersion
        + "\",\"binary\":"
        + binary
        + tls
        + "}";
  }

  @TestFactory
  Stream<DynamicTest> grpcH2c() throws Exception {
    return NodePeer.run(config("http", "grpc", "2", true), GRPC_CASES);
  }

  @TestFactory
  Stream<DynamicTest> grpcTls() throws Exception {
    return NodePeer.run(config("https", "grpc", "2", true), GRPC_CASES);
  }

  @TestFactory
  Stream<DynamicTest> connectBinaryHttp1() throws Exception {
    return NodePeer.run(config("http", "connect", "1.1", true), CONNECT_CASES);
  }

  @TestFactory
  Stream<DynamicTest> connectBinaryHttp2() throws Exception {
    return NodePeer.run(config("http", "connect", "2", true), CONNECT_CASES);
  }

  @TestFactory
  Stream<DynamicTest> connectJsonHttp1() throws Exception {
    return NodePeer.run(config("http", "connect", "1.1", false), CONNECT_CASES);
  }

  @TestFactory
  Stream<DynamicTest> connectJsonHttp2() throws Exception {
    return NodePeer.run(config("http", "connect", "2", false), CONNECT_CASES);
  }

  @TestFactory
  Stream<DynamicTest> grpcWebHttp1() throws Exception {
    return NodePeer.run(config("http", "grpcweb", "1.1", true), WEB_CASES);
  }

  @TestFactory
  Stream<DynamicTest> grpcWebHttp2() throws Exception {
    return NodePeer.run(config("http", "grpcweb", "2", true), WEB_CASES);
  }

  /**
   * Error details ({@code google.rpc.Status} details, which gRPC carries in {@code
   * grpc-status-details-bin} and {@code ConnectError.findDetails} reads) over the Connect protocol
   * (binary and JSON) and gRPC-Web.
   */
  @TestFactory
  Stream<DynamicNode> webErrorDetails() throws Exception {
    List<String> details = List.of("errorDetails");
    return Stream.of(
        DynamicContainer.dynamicContainer(
            "connect binary", NodePeer.run(config("http", "connect", "2", true), details)),
        DynamicContainer.dynamicContainer(
            "connect JSON", NodePeer.run(config("http", "connect", "1.1", false), details)),
        DynamicContainer.dynamicContainer(
            "gRPC-Web", NodePeer.run(config("http", "grpcweb", "1.1", true), details)));
  }

  /**
   * Copies {@code certs/ca.pem}, {@code server1.pem} and {@code server1.key} out of the gRPC
   * interop client's grpc-testing jar (its class path is resolved at pre-integration-test).
   */
  private static Path extractCertificates() throws IOException {
    Path cpFile = Path.of(System.getProperty("interop.client.classpath", "missing"));
    assertThat(cpFile).as("class path of the interop client (pre-integration-test)").exists();
    String jar =
        Arrays.stream(
                Files.readString(cpFile, StandardCharsets.UTF_8).trim().split(File.pathSeparator))
            .filter(e -> Path.of(e).getFileName().toString().startsWith("grpc-testing-"))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no grpc-testing jar in the interop client's class path"));
    Path dir = Files.createTempDirectory("connect-node-certs");
    try (ZipFile zip = new ZipFile(jar)) {
      for (String name : new String[] {"ca.pem", "server1.pem", "server1.key"}) {
        ZipEntry entry = zip.getEntry("certs/" + name);
        assertThat(entry).as("certs/%s in %s", name, jar).isNotNull();
        try (InputStream in = zip.getInputStream(entry)) {
          Files.copy(in, dir.resolve(name));
        }
      }
    }
    return dir;
  }
}
