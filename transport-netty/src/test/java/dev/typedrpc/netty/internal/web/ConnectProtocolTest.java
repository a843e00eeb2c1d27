package dev.typedrpc.netty.internal.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.typedrpc.RpcServer;
import dev.typedrpc.Status;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.netty.TestCerts;
import dev.typedrpc.spi.ServerLimits;
import dev.typedrpc.spi.TransportSettings;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Connect protocol on the shared port, over HTTP/1.1 (the JDK's client), HTTP/2 over TLS (the
 * JDK's client, ALPN h2) and h2c with prior knowledge (curl): unary POST in proto and JSON, GET,
 * errors, deadlines, metadata both ways, gzip both ways, server and client streaming, and malformed
 * requests. With leak checks.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectProtocolTest {
  static final String ORIGIN = "https://app.example.com";
  static final int MAX_MESSAGE = 64 << 10;

  private final WebTestService service = new WebTestService();
  private RpcServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen(TestCerts.tlsListenUri())
            .transportSettings(
                TransportSettings.DEFAULT
                    .withMaxMessageSize(MAX_MESSAGE)
                    .withServerLimits(ServerLimits.DEFAULT.withAllowedOrigins(ORIGIN)))
            .addService(service.definition())
            .build()
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdownNow();
  }

  private WebClients.Client client(String kind) throws Exception {
    int port = server.address().getPort();
    return switch (kind) {
      case "http1" -> WebClients.jdk(port, false);
      case "h2" -> WebClients.jdk(port, true);
      case "h2c" -> WebClients.curl(port, true);
      case "https1" -> WebClients.curlHttps1(port);
      default -> WebClients.curl(port, false);
    };
  }

  static byte[] proto(String text) {
    return WebTestService.TextCodec.INSTANCE.toByteArray(text);
  }

  static String fromProto(byte[] bytes) throws Exception {
    return WebTestService.TextCodec.INSTANCE.parseFrom(bytes);
  }

  private static Map<String, String> headers(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c", "https1"})
  void unaryJson(String kind) throws Exception {
    WebClients.Reply r =
        client(kind)
            .send(
                "POST",
                "/web.Test/Echo",
                headers("content-type", "application/json", "connect-protocol-version", "1"),
                "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(200, r.status(), r.text());
    assertEquals("application/json", r.header("content-type"));
    assertEquals("{\"text\":\"echo:hi\"}", r.text());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c", "https1"})
  void unaryProtoWithMetadataBothWays(String kind) throws Exception {
    byte[] data = {0, 1, (byte) 0xfe, (byte) 0xff};
    WebClients.Reply r =
        client(kind)
            .send(
                "POST",
                "/web.Test/Echo",
                headers(
                    "content-type", "application/proto",
                    "x-in", "v1",
                    "x-data-bin", Base64.getEncoder().withoutPadding().encodeToString(data)),
                proto("hi"));
    assertEquals(200, r.status(), r.text());
    assertEquals("application/proto", r.header("content-type"));
    assertEquals("echo:hi", fromProto(r.body()));
    assertEquals("v1", r.header("x-out"));
    assertEquals("v1", r.header("trailer-x-trail"));
    assertArrayEquals(data, Base64.getDecoder().decode(r.header("x-data-bin")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c"})
  void errorIsConnectJsonWithItsHttpStatus(String kind) throws Exception {
    WebClients.Reply r =
        client(kind)
            .send(
                "POST",
                "/web.Test/Fail",
                headers("content-type", "application/json"),
                "{\"text\":\"x\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(404, r.status());
    assertEquals("application/json", r.header("content-type"));
    assertEquals("{\"code\":\"not_found\",\"message\":\"no such thing: x\"}", r.text());
    assertEquals("asked", r.header("trailer-x-why"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c"})
  void unknownMethodIs404Unimplemented(String kind) throws Exception {
    WebClients.Reply r =
        client(kind)
            .send(
                "POST",
                "/web.Test/Nope",
                headers("content-type", "application/json"),
                "{}".getBytes(StandardCharsets.UTF_8));
    assertEquals(404, r.status());
    assertTrue(r.text().contains("\"code\":\"unimplemented\""), r.text());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c"})
  void malformedRequestsFailTheirCallAlone(String kind) throws Exception {
    WebClients.Client c = client(kind);
    WebClients.Reply badJson =
        c.send(
            "POST",
            "/web.Test/Echo",
            headers("content-type", "application/json"),
            "{\"text\":".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, badJson.status());
    assertTrue(badJson.text().contains("\"code\":\"invalid_argument\""), badJson.text());
    WebClients.Reply badProto =
        c.send(
            "POST",
            "/web.Test/Echo",
            headers("content-type", "application/proto"),
            new byte[] {10, 50, 1});
    assertEquals(400, badProto.status());
    WebClients.Reply wrongType =
        c.send("POST", "/web.Test/Echo", headers("content-type", "text/plain"), new byte[] {1});
    assertEquals(415, wrongType.status());
    WebClients.Reply badTimeout =
        c.send(
            "POST",
            "/web.Test/Echo",
            headers("content-type", "application/json", "connect-timeout-ms", "soon"),
            "{}".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, badTimeout.status());
    WebClients.Reply badEncoding =
        c.send(
            "POST",
            "/web.Test/Echo",
            headers("content-type", "application/json", "content-encoding", "br"),
            "{}".getBytes(StandardCharsets.UTF_8));
    assertEquals(501, badEncoding.status());
    assertTrue(badEncoding.text().contains("gzip"), badEncoding.text());
    WebClients.Reply tooBig =
        c.send(
            "POST",
            "/web.Test/Echo",
            headers("content-type", "application/proto"),
            proto("x".repeat(MAX_MESSAGE)));
    assertEquals(429, tooBig.status());
    assertTrue(tooBig.text().contains("resource_exhausted"), tooBig.text());
    // and the connection and server still serve
    WebClients.Reply ok =
        c.send(
            "POST",
            "/web.Test/Echo",
            headers("content-type", "application/json"),
            "{\"text\":\"after\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(200, ok.status());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c"})
  void aBodyFarAboveTheLimitIsCutOff(String kind) throws Exception {
    WebClients.Reply r =
        client(kind)
            .send(
                "POST",
                "/web.Test/Echo",
                headers("content-type", "application/proto"),
                proto("x".repeat(3 * MAX_MESSAGE)));
    assertEquals(429, r.status(), r.text());
    assertTrue(r.text().contains("resource_exhausted"), r.text());
    WebClients.Reply ok =
        client(kind)
            .send(
                "POST",
                "/web.Test/Echo",
                headers("content-type", "application/json"),
                "{}".getBytes(StandardCharsets.UTF_8));
    assertEquals(200, ok.status());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c"})
  void deadlineExceeded(String kind) throws Exception {
    WebClients.Reply r =
        client(kind)
            .send(
                "POST",
                "/web.Test/Sleep",
                headers("content-type", "application/json", "connect-timeout-ms", "200"),
                "{}".getBytes(StandardCharsets.UTF_8));
    assertEquals(504, r.status(), r.text());
    assertTrue(r.text().contains("\"code\":\"deadline_exceeded\""), r.text());
    // on a loaded machine the deadline may pass before the implementation runs at all
    if (service.started.isDone()) {
      assertEquals(
          Status.Code.DEADLINE_EXCEEDED, service.cancelled.get(30, TimeUnit.SECONDS).code());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c"})
  void gzipBothWays(String kind) throws Exception {
    String text = "z".repeat(4000);
    WebClients.Reply r =
        client(kind)
            .send(
                "POST",
                "/web.Test/Echo",
                headers(
                    "content-type",
                    "application/proto",
                    "content-encoding",
                    "gzip",
                    "accept-encoding",
                    "gzip"),
                gzip(proto(text)));
    assertEquals(200, r.status(), r.text());
    assertEquals("gzip", r.header("content-encoding"));
    assertEquals("echo:" + text, fromProto(gunzip(r.body())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c", "https1"})
  void getForMethodsWithoutSideEffects(String kind) throws Exception {
    WebClients.Client c = client(kind);
    String json = URLEncoder.encode("{\"text\":\"g\"}", StandardCharsets.UTF_8);
    WebClients.Reply r =
        c.send("GET", "/web.Test/Echo?connect=v1&encoding=json&message=" + json, headers(), null);
    assertEquals(200, r.status(), r.text());
    assertEquals("{\"text\":\"echo:g\"}", r.text());
    String b64 = Base64.getUrlEncoder().withoutPadding().encodeToString(gzip(proto("b")));
    WebClients.Reply binary =
        c.send(
            "GET",
            "/web.Test/Echo?connect=v1&encoding=proto&base64=1&compression=gzip&message=" + b64,
            headers(),
            null);
    assertEquals(200, binary.status(), binary.text());
    assertEquals("echo:b", fromProto(binary.body()));
    WebClients.Reply refused =
        c.send("GET", "/web.Test/Fail?connect=v1&encoding=json&message=%7B%7D", headers(), null);
    assertEquals(405, refused.status());
    assertEquals("POST", refused.header("allow"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c", "https1"})
  void serverStreaming(String kind) throws Exception {
    WebClients.Reply r =
        client(kind)
            .send(
                "POST",
                "/web.Test/Count",
                headers("content-type", "application/connect+json"),
                envelope(0, "{\"text\":\"3\"}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(200, r.status());
    assertEquals("application/connect+json", r.header("content-type"));
    assertEquals("count", r.header("x-kind"));
    List<String> frames = envelopes(r.body());
    assertEquals(
        List.of(
            "0:{\"text\":\"0\"}",
            "0:{\"text\":\"1\"}",
            "0:{\"text\":\"2\"}",
            "2:{\"metadata\":{\"x-done\":[\"3\"]}}"),
        frames);
    WebClients.Reply failed =
        client(kind)
            .send(
                "POST",
                "/web.Test/Count",
                headers("content-type", "application/connect+json"),
                envelope(0, "{\"text\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(200, failed.status());
    String end = envelopes(failed.body()).get(0);
    assertTrue(end.startsWith("2:{\"error\":{\"code\":\"unknown\""), end);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c"})
  void streamingGzipBothWays(String kind) throws Exception {
    String text = "s".repeat(3000);
    WebClients.Reply r =
        client(kind)
            .send(
                "POST",
                "/web.Test/Join",
                headers(
                    "content-type", "application/connect+proto",
                    "connect-content-encoding", "gzip",
                    "connect-accept-encoding", "gzip"),
                envelope(1, gzip(proto(text))));
    assertEquals(200, r.status());
    assertEquals("gzip", r.header("connect-content-encoding"));
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(r.body());
    assertEquals(1, b.get());
    byte[] zipped = new byte[b.getInt()];
    b.get(zipped);
    assertEquals(text, fromProto(gunzip(zipped)));
    assertEquals(2, b.get() & 0xff); // the end of the stream
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c"})
  void clientStreamingAndBidi(String kind) throws Exception {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(envelope(0, proto("a")));
    body.write(envelope(0, proto("b")));
    WebClients.Reply r =
        client(kind)
            .send(
                "POST",
                "/web.Test/Join",
                headers("content-type", "application/connect+proto"),
                body.toByteArray());
    assertEquals(200, r.status());
    List<String> frames = envelopes(r.body());
    assertEquals(2, frames.size(), frames.toString());
    assertTrue(frames.get(0).endsWith("a,b"), frames.toString());
    assertEquals("2:{}", frames.get(1));
    WebClients.Reply bidi =
        client(kind)
            .send(
                "POST",
                "/web.Test/Chat",
                headers("content-type", "application/connect+proto"),
                envelope(0, proto("a")));
    String end = envelopes(bidi.body()).get(0);
    assertTrue(end.startsWith("2:{\"error\":{\"code\":\"unimplemented\""), end);
  }

  static byte[] envelope(int flags, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
    b.put((byte) flags).putInt(payload.length).put(payload);
    return b.array();
  }

  /** The envelopes of a body as "flags:payload" (payload as UTF-8). */
  static List<String> envelopes(byte[] body) {
    List<String> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(body);
    while (b.hasRemaining()) {
      int flags = b.get() & 0xff;
      byte[] p = new byte[b.getInt()];
      b.get(p);
      out.add(flags + ":" + new String(p, StandardCharsets.UTF_8));
    }
    return out;
  }

  static byte[] gzip(byte[] in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(in);
    }
    return out.toByteArray();
  }

  static byte[] gunzip(byte[] in) throws Exception {
    try (GZIPInputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(in))) {
      return gz.readAllBytes();
    }
  }

  static void assertNoHeader(WebClients.Reply r, String name) {
    assertNull(r.header(name));
  }
}
