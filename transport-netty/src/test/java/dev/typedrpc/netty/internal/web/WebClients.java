package dev.typedrpc.netty.internal.web;

import dev.typedrpc.netty.TestCerts;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * HTTP clients for the web protocol tests: the JDK's (HTTP/1.1, HTTP/2 over TLS) and curl (h2c).
 */
final class WebClients {
  private WebClients() {}

  /** A response: status, headers (lower-case names), body. */
  record Reply(int status, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      List<String> v = headers.get(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** One way to send a request. */
  interface Client {
    Reply send(String method, String path, Map<String, String> headers, byte[] body)
        throws Exception;
  }

  static Client jdk(int port, boolean h2Tls) throws Exception {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .version(h2Tls ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1);
    if (h2Tls) {
      b.sslContext(trustingTestCa());
    }
    HttpClient client = b.build();
    String base = (h2Tls ? "https" : "http") + "://127.0.0.1:" + port;
    return (method, path, headers, body) -> {
      HttpRequest.Builder r =
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(30))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(r::header);
      HttpResponse<byte[]> response =
          client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (h2Tls && response.version() != HttpClient.Version.HTTP_2) {
        throw new AssertionError("not HTTP/2: " + response.version());
      }
      Map<String, List<String>> h = new LinkedHashMap<>();
      response.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
      return new Reply(response.statusCode(), h, response.body());
    };
  }

  /** curl, h2c with prior knowledge ({@code h2c}) or HTTP/1.1. */
  static Client curl(int port, boolean h2c) {
    return curl(port, h2c, false);
  }

  /**
   * curl over TLS with HTTP/1.1 (ALPN http/1.1), trusting the test CA, to the certificate's name
   * resolved to 127.0.0.1.
   */
  static Client curlHttps1(int port) {
    return curl(port, false, true);
  }

  private static Client curl(int port, boolean h2c, boolean tls) {
    return (method, path, headers, body) -> {
      Path dir = Files.createTempDirectory("curl");
      try {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/curl", "-sS", "-X", method));
        cmd.add(h2c ? "--http2-prior-knowledge" : "--http1.1");
        cmd.addAll(List.of("-D", dir.resolve("h").toString(), "-o", dir.resolve("b").toString()));
        cmd.addAll(List.of("--max-time", "30"));
        headers.forEach((k, v) -> cmd.addAll(List.of("-H", k + ": " + v)));
        if (body != null) {
          Files.write(dir.resolve("in"), body);
          cmd.addAll(List.of("--data-binary", "@" + dir.resolve("in")));
        }
        if (tls) {
          String name = "foo.test.google.fr";
          cmd.addAll(List.of("--cacert", TestCerts.ca().toString()));
          cmd.addAll(List.of("--resolve", name + ":" + port + ":127.0.0.1"));
          cmd.add("https://" + name + ":" + port + path);
        } else {
          cmd.add("http://127.0.0.1:" + port + path);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
          out = in.readAllBytes();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new IOException("curl failed: " + new String(out, StandardCharsets.UTF_8));
        }
        byte[] b =
            Files.exists(dir.resolve("b")) ? Files.readAllBytes(dir.resolve("b")) : new byte[0];
        return parse(Files.readAllLines(dir.resolve("h")), b);
      } finally {
        for (String f : new String[] {"h", "b", "in"}) {
          Files.deleteIfExists(dir.resolve(f));
        }
        Files.delete(dir);
      }
    };
  }

  private static Reply parse(List<String> lines, byte[] body) {
    int status = 0;
    Map<String, List<String>> h = new LinkedHashMap<>();
    for (String line : lines) {
      if (line.startsWith("HTTP/")) {
        status = Integer.parseInt(line.split(" ")[1].trim());
        h.clear(); // the last response's headers (after a 100 Continue)
      } else if (line.contains(":")) {
        int c = line.indexOf(':');
        h.computeIfAbsent(
                line.substring(0, c).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(line.substring(c + 1).trim());
      }
    }
    return new Reply(status, h, body);
  }

  static SSLContext trustingTestCa() throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(TestCerts.ca()))) {
      ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    X509TrustManager ca = (X509TrustManager) tmf.getTrustManagers()[0];
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new ChainOnly(ca)}, null);
    return ctx;
  }

  /**
   * Checks the server's chain against the test CA but not its name: the test certificate is for
   * {@code *.test.google.fr}, and the server listens on 127.0.0.1.
   */
  private static final class ChainOnly extends X509ExtendedTrustManager {
    private final X509TrustManager ca;

    ChainOnly(X509TrustManager ca) {
      this.ca = ca;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      ca.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      ca.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      ca.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a client only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return ca.getAcceptedIssuers();
    }
  }
}
