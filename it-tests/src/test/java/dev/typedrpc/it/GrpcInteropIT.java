package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcServer;
import dev.typedrpc.spi.TransportSettings;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The official gRPC interop test client ({@code io.grpc.testing.integration.TestServiceClient} from
 * {@code io.grpc:grpc-interop-testing:1.79.0}) against a typedrpc server of {@code
 * grpc.testing.TestService}, every case in plaintext (h2c) and over TLS ({@code --use_tls=true
 * --use_test_ca=true --server_host_override=foo.test.google.fr}, ALPN h2) on the same port: the
 * server has the suite's {@code server1.pem}/{@code server1.key}, taken from the client's own
 * {@code grpc-testing} jar. The client brings its own gRPC and Netty 4.1, so it runs in a JVM of
 * its own, one per case, with the class path {@code it-tests/interop-client/pom.xml} resolved at
 * build time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcInteropIT {
  static final List<String> CASES =
      List.of(
          "empty_unary",
          "large_unary",
          "client_compressed_unary",
          "server_compressed_unary",
          "client_streaming",
          "client_compressed_streaming",
          "server_streaming",
          "server_compressed_streaming",
          "ping_pong",
          "empty_stream",
          "custom_metadata",
          "status_code_and_message",
          "special_status_message",
          "unimplemented_method",
          "unimplemented_service",
          "cancel_after_begin",
          "cancel_after_first_response",
          "timeout_on_sleeping_server",
          "very_large_request");

  /** Cases the runtime cannot serve yet, and why. */

  /** Each case in plaintext, then each over TLS. */
  static List<Arguments> casesAndSecurity() {
    List<Arguments> all = new ArrayList<>();
    for (boolean tls : new boolean[] {false, true}) {
      for (String c : CASES) {
        all.add(Arguments.of(c, tls));
      }
    }
    return all;
  }

  private RpcServer server;
  private String classPath;
  private Path certs;

  @BeforeAll
  void start() throws IOException {
    Path cpFile =
        Path.of(System.getProperty("interop.client.classpath", "target/interop-client.classpath"));
    assertThat(cpFile)
        .as("class path of the interop client (resolved at pre-integration-test)")
        .exists();
    classPath = Files.readString(cpFile, StandardCharsets.UTF_8).trim();
    certs = extractServerCertificate(classPath);
    server =
        RpcServer.builder()
            // one port for both: cleartext h2c, and TLS with the interop suite's server certificate
            .listen(
                URI.create(
                    "ws://127.0.0.1:0/rpc?grpc-compression=gzip&tls-cert="
                        + certs.resolve("server1.pem")
                        + "&tls-key="
                        + certs.resolve("server1.key")))
            .addService(InteropTestServiceRpc.bind(new InteropTestServiceImpl()))
            // very_large_request sends 10 MiB; the interop client allows 16 MiB
            .transportSettings(TransportSettings.DEFAULT.withMaxMessageSize(16 << 20))
            .build()
            .start();
  }

  /**
   * Copies {@code certs/server1.pem} and {@code server1.key} out of the interop client's
   * grpc-testing jar.
   */
  private static Path extractServerCertificate(String classPath) throws IOException {
    String jar =
        Arrays.stream(classPath.split(File.pathSeparator))
            .filter(e -> Path.of(e).getFileName().toString().startsWith("grpc-testing-"))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no grpc-testing jar in the interop client's class path"));
    Path dir = Files.createTempDirectory("interop-certs");
    try (ZipFile zip = new ZipFile(jar)) {
      for (String name : new String[] {"server1.pem", "server1.key"}) {
        ZipEntry entry = zip.getEntry("certs/" + name);
        assertThat(entry).as("certs/%s in %s", name, jar).isNotNull();
        try (InputStream in = zip.getInputStream(entry)) {
          Files.copy(in, dir.resolve(name));
        }
      }
    }
    return dir;
  }

  @AfterAll
  void stop() throws IOException, InterruptedException {
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
    if (certs != null) {
      for (String name : new String[] {"server1.pem", "server1.key"}) {
        Files.deleteIfExists(certs.resolve(name));
      }
      Files.deleteIfExists(certs);
    }
  }

  @ParameterizedTest(name = "{0} tls={1}")
  @MethodSource("casesAndSecurity")
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void interopCase(String testCase, boolean tls) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath,
                "io.grpc.testing.integration.TestServiceClient",
                "--server_host=127.0.0.1",
                "--server_port=" + server.address().getPort(),
                "--test_case=" + testCase));
    if (tls) {
      // the suite's CA signed server1.pem for *.test.google.fr: the client checks that name, not
      // 127.0.0.1
      command.addAll(
          List.of(
              "--use_tls=true", "--use_test_ca=true", "--server_host_override=foo.test.google.fr"));
    } else {
      command.add("--use_tls=false");
    }
    Path log = Files.createTempFile("interop-" + testCase, ".log");
    try {
      Process client =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean exited = client.waitFor(60, TimeUnit.SECONDS);
      if (!exited) {
        client.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(exited).as("%s finished in time; output:%n%s", testCase, output).isTrue();
      assertThat(client.exitValue()).as("%s exit code; output:%n%s", testCase, output).isZero();
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
