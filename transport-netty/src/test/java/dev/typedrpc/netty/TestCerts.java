package dev.typedrpc.netty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The gRPC interop suite's test certificates (from {@code io.grpc:grpc-testing}'s jar), copied to a
 * temporary directory once per JVM: a CA ({@code ca.pem}) and a server certificate signed by it for
 * {@code *.test.google.fr} ({@code server1.pem}, {@code server1.key}), valid until 2030. Clients
 * trust the CA and check the name {@value #AUTHORITY}, so certificate validation and host name
 * verification are real. For mutual TLS, a client certificate signed by the same CA ({@code
 * client.pem}, {@code client.key}, subject CN {@value #CLIENT_CN}) and a self-signed one no CA
 * vouches for ({@code badclient.pem}, {@code badclient.key}).
 */
public final class TestCerts {
  /** A name the server certificate is valid for. */
  static final String AUTHORITY = "foo.test.google.fr";

  /** The common name of the client certificate the test CA signed. */
  public static final String CLIENT_CN = "testclient";

  private static final Path DIR = extract();

  private TestCerts() {}

  public static Path ca() {
    return DIR.resolve("ca.pem");
  }

  public static Path serverCert() {
    return DIR.resolve("server1.pem");
  }

  public static Path serverKey() {
    return DIR.resolve("server1.key");
  }

  /**
   * A cleartext listen address on a free port of 127.0.0.1 that also accepts TLS with server1's
   * certificate.
   */
  public static URI tlsListenUri() {
    return URI.create(
        "ws://127.0.0.1:0/rpc?tls-cert="
            + encode(serverCert())
            + "&tls-key="
            + encode(serverKey()));
  }

  /** The query of a client that trusts the test CA and checks {@link #AUTHORITY}. */
  public static String trustQuery() {
    return "tls-trust=" + encode(ca()) + "&tls-authority=" + AUTHORITY;
  }

  /**
   * {@link #tlsListenUri()} asking TLS clients for a certificate signed by the test CA: {@code
   * require} or {@code optional}.
   */
  public static URI mutualTlsListenUri(String clientAuth) {
    return URI.create(
        tlsListenUri() + "&tls-client-auth=" + clientAuth + "&tls-client-trust=" + encode(ca()));
  }

  /** The query parameters of a client presenting the certificate the test CA signed. */
  public static String clientCertQuery() {
    return "tls-cert="
        + encode(DIR.resolve("client.pem"))
        + "&tls-key="
        + encode(DIR.resolve("client.key"));
  }

  /** The query parameters of a client presenting a self-signed certificate. */
  public static String badClientCertQuery() {
    return "tls-cert="
        + encode(DIR.resolve("badclient.pem"))
        + "&tls-key="
        + encode(DIR.resolve("badclient.key"));
  }

  /**
   * {@code uri} with {@code tls-provider=provider} added to its query; {@code uri} itself for a
   * null provider (the default one).
   */
  public static URI withProvider(URI uri, String provider) {
    if (provider == null) {
      return uri;
    }
    return URI.create(uri + (uri.getRawQuery() == null ? "?" : "&") + "tls-provider=" + provider);
  }

  private static String encode(Path p) {
    return URLEncoder.encode(p.toString(), StandardCharsets.UTF_8);
  }

  private static Path extract() {
    try {
      Path dir = Files.createTempDirectory("typedrpc-test-certs");
      dir.toFile().deleteOnExit();
      for (String name :
          new String[] {
            "ca.pem",
            "server1.pem",
            "server1.key",
            "client.pem",
            "client.key",
            "badclient.pem",
            "badclient.key"
          }) {
        try (InputStream in =
            TestCerts.class.getClassLoader().getResourceAsStream("certs/" + name)) {
          if (in == null) {
            throw new IllegalStateException(
                "certs/" + name + " is not on the class path (io.grpc:grpc-testing)");
          }
          Path file = dir.resolve(name);
          Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
          file.toFile().deleteOnExit();
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
