package dev.typedrpc.bench.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A certificate for 127.0.0.1 made for one run by {@code openssl} (its PEM files in a temporary
 * directory), so the browser can reach the server over TLS, which HTTP/2 needs in a browser. Nobody
 * trusts it: Chromium is started with {@code --ignore-certificate-errors}.
 */
public record SelfSignedCert(Path cert, Path key) {
  public static SelfSignedCert create() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("browser-bench-tls");
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process openssl;
    try {
      openssl =
          new ProcessBuilder(
                  "openssl",
                  "req",
                  "-x509",
                  "-newkey",
                  "rsa:2048",
                  "-nodes",
                  "-days",
                  "2",
                  "-subj",
                  "/CN=127.0.0.1",
                  "-addext",
                  "subjectAltName=IP:127.0.0.1",
                  "-keyout",
                  key.toString(),
                  "-out",
                  cert.toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new IOException("the HTTP/2 runs need openssl on the PATH to make a certificate", e);
    }
    String output = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!openssl.waitFor(60, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
      throw new IOException("openssl could not make a certificate: " + output);
    }
    // deleted in the reverse order: the files, then their directory
    dir.toFile().deleteOnExit();
    cert.toFile().deleteOnExit();
    key.toFile().deleteOnExit();
    return new SelfSignedCert(cert, key);
  }
}
