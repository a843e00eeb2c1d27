package dev.typedrpc.bench.load;

import dev.typedrpc.bench.browser.SelfSignedCert;
import dev.typedrpc.bench.driver.EchoClient;
import dev.typedrpc.bench.driver.EchoServer;
import dev.typedrpc.bench.driver.Loopback;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The TLS systems: typedrpc over {@code wss://} and {@code h2://} with a chosen {@code
 * tls-provider}, and gRPC-Java over TLS. Server and client JVMs share one self-signed certificate
 * for 127.0.0.1 per day (made by {@code openssl}, kept in the temporary directory); the clients
 * trust it and verify the address against it, as a real client does.
 */
final class TlsEcho {
  private TlsEcho() {}

  /** A typedrpc server whose port takes TLS with {@code provider} (and cleartext). */
  static EchoServer startServer(String provider) throws IOException, InterruptedException {
    SelfSignedCert cert = cert();
    return TypedrpcEcho.startServer(
        URI.create(
            "ws://"
                + Loopback.HOST
                + ":0/rpc?tls-cert="
                + encode(cert.cert())
                + "&tls-key="
                + encode(cert.key())
                + "&tls-provider="
                + provider));
  }

  /**
   * A typedrpc client of {@code target} ({@code wss://} or {@code h2://}) with {@code provider}.
   */
  static EchoClient connect(URI target, String provider) throws IOException, InterruptedException {
    return TypedrpcEcho.connect(
        URI.create(target + "?tls-trust=" + encode(cert().cert()) + "&tls-provider=" + provider));
  }

  /** gRPC-Java's server over TLS, with the provider gRPC-Java picks (OpenSSL when it loads). */
  static EchoServer startGrpcServer() throws IOException, InterruptedException {
    SelfSignedCert cert = cert();
    SslContext tls = GrpcSslContexts.forServer(cert.cert().toFile(), cert.key().toFile()).build();
    return GrpcEcho.startServer(tls);
  }

  /** gRPC-Java's client over TLS, trusting the certificate. */
  static EchoClient connectGrpc(int port) throws IOException, InterruptedException {
    SslContext tls = GrpcSslContexts.forClient().trustManager(cert().cert().toFile()).build();
    return GrpcEcho.connect(port, tls);
  }

  /** Today's certificate, made by the first JVM that needs it. */
  private static SelfSignedCert cert() throws IOException, InterruptedException {
    Path dir =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "typedrpc-bench-tls-" + LocalDate.now(ZoneOffset.UTC));
    SelfSignedCert kept = new SelfSignedCert(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    if (Files.isReadable(kept.cert()) && Files.isReadable(kept.key())) {
      return kept;
    }
    SelfSignedCert made = SelfSignedCert.create();
    try {
      // the directory appears with both files in it, or not at all
      Files.move(made.cert().getParent(), dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      // another JVM made it first: use that one
    }
    return kept;
  }

  private static String encode(Path p) {
    return URLEncoder.encode(p.toString(), StandardCharsets.UTF_8);
  }
}
