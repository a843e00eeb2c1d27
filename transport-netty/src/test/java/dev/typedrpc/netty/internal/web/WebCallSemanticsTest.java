package dev.typedrpc.netty.internal.web;

import static dev.typedrpc.netty.internal.web.ConnectProtocolTest.envelope;
import static dev.typedrpc.netty.internal.web.ConnectProtocolTest.proto;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.typedrpc.CallObserver;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.Status;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.netty.TestCerts;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Web calls behave as calls on every transport: interceptors see the {@code authorization} header
 * and can refuse, the transport is named, and a client that goes away mid-stream (HTTP/1.1
 * disconnect, HTTP/2 stream reset) cancels the server's call. With leak checks.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebCallSemanticsTest {
  private final WebTestService service = new WebTestService();
  private RpcServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    ServerInterceptor auth =
        call -> {
          if (call.method().methodName().equals("Whoami")
              && !"Bearer good".equals(call.headers().get("authorization"))) {
            throw Status.UNAUTHENTICATED.withDescription("who are you?").asException();
          }
          return CallObserver.NONE;
        };
    server =
        RpcServer.builder()
            .listen(TestCerts.tlsListenUri())
            .intercept(auth)
            .addService(service.definition())
            .build()
            .start();
    port = server.address().getPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdownNow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c"})
  void interceptorsSeeTheAuthorizationHeader(String kind) throws Exception {
    WebClients.Client c =
        kind.equals("h2c") ? WebClients.curl(port, true) : WebClients.jdk(port, kind.equals("h2"));
    WebClients.Reply refused =
        c.send(
            "POST",
            "/web.Test/Whoami",
            Map.of("content-type", "application/json"),
            "{}".getBytes(StandardCharsets.UTF_8));
    assertEquals(401, refused.status());
    assertEquals("{\"code\":\"unauthenticated\",\"message\":\"who are you?\"}", refused.text());
    WebClients.Reply ok =
        c.send(
            "POST",
            "/web.Test/Whoami",
            Map.of("content-type", "application/json", "authorization", "Bearer good"),
            "{}".getBytes(StandardCharsets.UTF_8));
    assertEquals("{\"text\":\"Bearer good@connect\"}", ok.text());
    WebClients.Reply grpcWeb =
        c.send(
            "POST",
            "/web.Test/Whoami",
            Map.of("content-type", "application/grpc-web", "authorization", "Bearer good"),
            envelope(0, proto("")));
    assertTrue(grpcWeb.text().contains("Bearer good@grpc-web"), grpcWeb.text());
  }

  @Test
  void anHttp1DisconnectMidStreamCancelsTheCall() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      post(s, "/web.Test/Hang", "application/connect+proto", envelope(0, proto("x")));
      InputStream in = s.getInputStream();
      String seen = "";
      byte[] buf = new byte[4096];
      while (!seen.contains("first")) { // the first message arrived: the call is under way
        int n = in.read(buf);
        assertTrue(n > 0, seen);
        seen += new String(buf, 0, n, StandardCharsets.ISO_8859_1);
      }
    }
    assertEquals(Status.Code.CANCELLED, service.cancelled.get(30, TimeUnit.SECONDS).code());
  }

  /**
   * A graceful shutdown lets a web call in progress on an HTTP/1.1 connection finish: its response
   * arrives whole, says {@code connection: close}, and the connection closes after it (it used to
   * be cut when the drain began).
   */
  @Test
  void anHttp1CallInProgressFinishesWhenTheServerDrains() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      post(s, "/web.Test/Hold", "application/proto", proto("x"));
      service.started.get(30, TimeUnit.SECONDS);

      server.shutdown();
      awaitNoListener(); // the listener is closed: the drain has begun
      service.held.complete("done");

      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), response);
      assertTrue(
          response.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), response);
      assertTrue(
          response.endsWith(new String(proto("done"), StandardCharsets.ISO_8859_1)), response);
    } // readAllBytes returned: the server closed the connection after the response
  }

  /** Sends one HTTP/1.1 POST of {@code body} on {@code s}, by hand. */
  private static void post(Socket s, String path, String contentType, byte[] body)
      throws java.io.IOException {
    OutputStream out = s.getOutputStream();
    out.write(
        ("POST "
                + path
                + " HTTP/1.1\r\nhost: x\r\ncontent-type: "
                + contentType
                + "\r\ncontent-length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
  }

  private void awaitNoListener() throws InterruptedException {
    for (int i = 0; i < 3_000; i++) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        Thread.sleep(10); // still listening: look again
      } catch (java.io.IOException refused) {
        return;
      }
    }
    throw new AssertionError("the server still listens 30 s after shutdown()");
  }

  @Test
  void anHttp2StreamResetCancelsTheCall() throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .sslContext(WebClients.trustingTestCa())
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/web.Test/Hang"))
            .header("content-type", "application/connect+proto")
            .POST(HttpRequest.BodyPublishers.ofByteArray(envelope(0, proto("x"))))
            .build();
    HttpResponse<InputStream> response =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(HttpClient.Version.HTTP_2, response.version());
    try (InputStream in = response.body()) {
      byte[] first = in.readNBytes(5 + proto("first").length);
      assertTrue(new String(first, StandardCharsets.ISO_8859_1).endsWith("first"));
    } // closing it before the end resets the stream
    Status status = service.cancelled.get(30, TimeUnit.SECONDS);
    assertEquals(Status.Code.CANCELLED, status.code(), status.toString());
  }
}
