package dev.typedrpc.netty.internal.web;

import static dev.typedrpc.netty.internal.web.ConnectProtocolTest.envelope;
import static dev.typedrpc.netty.internal.web.ConnectProtocolTest.proto;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.typedrpc.RpcServer;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.netty.TestCerts;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gRPC-Web, binary and text, on the shared port over HTTP/1.1, HTTP/2 over TLS and h2c: unary and
 * server streaming, metadata both ways, errors in the trailers envelope, gzip, trailers-only
 * refusals. With leak checks.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcWebTest {
  private final WebTestService service = new WebTestService();
  private RpcServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen(TestCerts.tlsListenUri())
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
      case "https1" -> WebClients.curlHttps1(port);
      default -> WebClients.curl(port, true);
    };
  }

  /** Frames as "flags:payload" (payload as proto-decoded text for data, raw for trailers). */
  private static List<String> frames(byte[] body) throws Exception {
    List<String> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(body);
    while (b.hasRemaining()) {
      int flags = b.get() & 0xff;
      byte[] p = new byte[b.getInt()];
      b.get(p);
      if (flags == 0x80) {
        out.add("T:" + new String(p, StandardCharsets.ISO_8859_1));
      } else if (flags == 1) {
        out.add("Z:" + ConnectProtocolTest.fromProto(ConnectProtocolTest.gunzip(p)));
      } else {
        out.add(flags + ":" + ConnectProtocolTest.fromProto(p));
      }
    }
    return out;
  }

  /** A text body: every base64 piece decoded (pieces may each be padded). */
  private static byte[] fromText(byte[] text) {
    String s = new String(text, StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '=' && (i + 1 == s.length() || s.charAt(i + 1) != '=')) {
        out.writeBytes(Base64.getDecoder().decode(s.substring(start, i + 1)));
        start = i + 1;
      }
    }
    if (start < s.length()) {
      out.writeBytes(Base64.getDecoder().decode(s.substring(start)));
    }
    return out.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c"})
  void unaryBinaryWithMetadata(String kind) throws Exception {
    WebClients.Reply r =
        client(kind)
            .send(
                "POST",
                "/web.Test/Echo",
                Map.of(
                    "content-type", "application/grpc-web+proto", "x-grpc-web", "1", "x-in", "v"),
                envelope(0, proto("hi")));
    assertEquals(200, r.status());
    assertEquals("application/grpc-web+proto", r.header("content-type"));
    assertEquals("v", r.header("x-out"));
    assertEquals(List.of("0:echo:hi", "T:grpc-status:0\r\nx-trail:v\r\n"), frames(r.body()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c", "https1"})
  void textServerStreamingBase64BothWays(String kind) throws Exception {
    byte[] request = Base64.getEncoder().encode(envelope(0, proto("2")));
    WebClients.Reply r =
        client(kind)
            .send(
                "POST",
                "/web.Test/Count",
                Map.of(
                    "content-type",
                    "application/grpc-web-text",
                    "accept",
                    "application/grpc-web-text"),
                request);
    assertEquals(200, r.status());
    assertEquals("application/grpc-web-text", r.header("content-type"));
    assertEquals(
        List.of("0:0", "0:1", "T:grpc-status:0\r\nx-done:2\r\n"), frames(fromText(r.body())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c"})
  void errorsInTheTrailers(String kind) throws Exception {
    WebClients.Client c = client(kind);
    WebClients.Reply failed =
        c.send(
            "POST",
            "/web.Test/Fail",
            Map.of("content-type", "application/grpc-web"),
            envelope(0, proto("x")));
    assertEquals(200, failed.status());
    assertEquals(
        List.of("T:grpc-status:5\r\ngrpc-message:no such thing: x\r\nx-why:asked\r\n"),
        frames(failed.body()));
    WebClients.Reply unknown =
        c.send(
            "POST",
            "/web.Test/Nope",
            Map.of("content-type", "application/grpc-web"),
            envelope(0, proto("x")));
    assertEquals(404, unknown.status());
    assertEquals("12", unknown.header("grpc-status"));
    WebClients.Reply badFrame =
        c.send(
            "POST",
            "/web.Test/Echo",
            Map.of("content-type", "application/grpc-web"),
            new byte[] {0, 0, 0, 0, 9, 1});
    assertEquals(200, badFrame.status());
    assertEquals("3", badFrame.header("grpc-status"));
    WebClients.Reply badText =
        c.send(
            "POST",
            "/web.Test/Echo",
            Map.of("content-type", "application/grpc-web-text"),
            "!!!!".getBytes(StandardCharsets.US_ASCII));
    assertEquals("3", badText.header("grpc-status"));
    WebClients.Reply badTimeout =
        c.send(
            "POST",
            "/web.Test/Echo",
            Map.of("content-type", "application/grpc-web", "grpc-timeout", "soon"),
            envelope(0, proto("x")));
    assertEquals("13", badTimeout.header("grpc-status"));
    WebClients.Reply deadline =
        c.send(
            "POST",
            "/web.Test/Sleep",
            Map.of("content-type", "application/grpc-web", "grpc-timeout", "200m"),
            envelope(0, proto("x")));
    assertTrue(frames(deadline.body()).get(0).startsWith("T:grpc-status:4\r\n"), deadline.text());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c"})
  void gzipBothWays(String kind) throws Exception {
    String text = "g".repeat(3000);
    WebClients.Reply r =
        client(kind)
            .send(
                "POST",
                "/web.Test/Echo",
                Map.of(
                    "content-type", "application/grpc-web",
                    "grpc-encoding", "gzip",
                    "grpc-accept-encoding", "gzip"),
                envelope(1, ConnectProtocolTest.gzip(proto(text))));
    assertEquals(200, r.status());
    assertEquals("gzip", r.header("grpc-encoding"));
    assertEquals(List.of("Z:echo:" + text, "T:grpc-status:0\r\n"), frames(r.body()));
  }
}
