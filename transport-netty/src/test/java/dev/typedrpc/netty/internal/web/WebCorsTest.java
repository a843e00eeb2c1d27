package dev.typedrpc.netty.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.typedrpc.RpcServer;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.netty.TestCerts;
import dev.typedrpc.spi.ServerLimits;
import dev.typedrpc.spi.TransportSettings;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CORS of the web protocols on the server's origin allow-list: preflights, responses that name the
 * page's origin and expose the protocol's headers, refusal of other origins, and an empty list
 * admitting every origin without credentials. With leak checks.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebCorsTest {
  private static final String ORIGIN = "https://app.example.com";
  private RpcServer server;

  private int start(ServerLimits limits) throws Exception {
    server =
        RpcServer.builder()
            .listen(TestCerts.tlsListenUri())
            .transportSettings(TransportSettings.DEFAULT.withServerLimits(limits))
            .addService(new WebTestService().definition())
            .build()
            .start();
    return server.address().getPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdownNow();
  }

  private WebClients.Client client(String kind, int port) throws Exception {
    return kind.equals("h2c")
        ? WebClients.curl(port, true)
        : WebClients.jdk(port, kind.equals("h2"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c"})
  void preflightThenCallFromAnAllowedOrigin(String kind) throws Exception {
    WebClients.Client c = client(kind, start(ServerLimits.DEFAULT.withAllowedOrigins(ORIGIN)));
    WebClients.Reply pre =
        c.send(
            "OPTIONS",
            "/web.Test/Echo",
            Map.of(
                "origin", ORIGIN,
                "access-control-request-method", "POST",
                "access-control-request-headers", "content-type,connect-protocol-version,x-in"),
            null);
    assertEquals(204, pre.status());
    assertEquals(ORIGIN, pre.header("access-control-allow-origin"));
    assertTrue(pre.header("access-control-allow-methods").contains("POST"));
    assertEquals(
        "content-type,connect-protocol-version,x-in", pre.header("access-control-allow-headers"));
    assertEquals("7200", pre.header("access-control-max-age"));
    assertEquals("true", pre.header("access-control-allow-credentials"));
    WebClients.Reply r =
        c.send(
            "POST",
            "/web.Test/Echo",
            Map.of("origin", ORIGIN, "content-type", "application/json", "x-in", "v"),
            "{}".getBytes(StandardCharsets.UTF_8));
    assertEquals(200, r.status());
    assertEquals(ORIGIN, r.header("access-control-allow-origin"));
    String exposed = r.header("access-control-expose-headers");
    assertTrue(exposed.contains("x-out") && exposed.contains("trailer-x-trail"), exposed);
    assertTrue(exposed.contains("grpc-status") && exposed.contains("grpc-message"), exposed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http1", "h2", "h2c"})
  void anotherOriginIsRefused403(String kind) throws Exception {
    WebClients.Client c = client(kind, start(ServerLimits.DEFAULT.withAllowedOrigins(ORIGIN)));
    WebClients.Reply pre =
        c.send("OPTIONS", "/web.Test/Echo", Map.of("origin", "https://evil.example"), null);
    assertEquals(403, pre.status());
    assertNull(pre.header("access-control-allow-origin"));
    WebClients.Reply r =
        c.send(
            "POST",
            "/web.Test/Echo",
            Map.of("origin", "https://evil.example", "content-type", "application/json"),
            "{}".getBytes(StandardCharsets.UTF_8));
    assertEquals(403, r.status());
    assertTrue(r.text().contains("origin https://evil.example is not allowed"), r.text());
  }

  @Test
  void anEmptyListAdmitsEveryOriginWithoutCredentials() throws Exception {
    WebClients.Client c = client("http1", start(ServerLimits.DEFAULT));
    WebClients.Reply pre =
        c.send("OPTIONS", "/web.Test/Echo", Map.of("origin", "https://any.example"), null);
    assertEquals(204, pre.status());
    assertEquals("https://any.example", pre.header("access-control-allow-origin"));
    assertNull(pre.header("access-control-allow-credentials"));
    assertTrue(pre.header("access-control-allow-headers").contains("connect-protocol-version"));
  }
}
