package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code RpcServer.Builder.staticResources}: files of a class-path directory served on the RPC port
 * over plain HTTP/1.1 (raw requests on a socket, so that paths reach the server as written), next
 * to the WebSocket endpoint, which still works.
 */
@Timeout(60)
class StaticResourcesTest {
  private RpcServer server;
  private int port;

  @BeforeEach
  void start() throws IOException {
    server =
        RpcServer.builder()
            .listen(URI.create("ws://127.0.0.1:0/rpc"))
            .addService(new ConformanceService().definition())
            .staticResources("static-test")
            .build()
            .start();
    port = server.address().getPort();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  @Test
  void servesIndexAndFilesWithTypesAndEtags() throws IOException {
    String index = request("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(index).startsWith("HTTP/1.1 200 OK");
    assertThat(index)
        .contains("content-type: text/html; charset=utf-8")
        .contains("<title>t</title>");
    assertThat(index).contains("cache-control: no-cache");
    String js = request("GET /app.js?v=2 HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(js)
        .startsWith("HTTP/1.1 200 OK")
        .contains("text/javascript")
        .contains("console.log(1);");
    String css = request("GET /sub/style.css HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(css).startsWith("HTTP/1.1 200 OK").contains("content-type: text/css");

    Matcher etag = Pattern.compile("etag: (\"[^\"]+\")").matcher(js);
    assertThat(etag.find()).isTrue();
    String again =
        request("GET /app.js HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag.group(1) + "\r\n\r\n");
    assertThat(again).startsWith("HTTP/1.1 304 Not Modified").doesNotContain("console.log");

    String head = request("HEAD /app.js HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(head).startsWith("HTTP/1.1 200 OK").contains("content-length: 16");
    assertThat(head).doesNotContain("console.log");
  }

  @Test
  void nothingOutsideTheDirectoryAndNoDirectories() throws IOException {
    for (String path :
        new String[] {
          "/../static-secret.txt",
          "/sub/../../static-secret.txt",
          "/%2e%2e/static-secret.txt",
          "/..%2fstatic-secret.txt",
          "//static-secret.txt",
          "/sub",
          "/sub/",
          "/.hidden",
          "/missing.js",
          "/sub\\..\\..\\static-secret.txt"
        }) {
      String response = request("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(response).as(path).matches("(?s)HTTP/1.1 (404|400) .*").doesNotContain("secret\n");
    }
    assertThat(request("POST /app.js HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"))
        .startsWith("HTTP/1.1 404");
  }

  @Test
  void theRpcEndpointIsUntouched() throws IOException {
    // a plain GET of the endpoint path is still told to upgrade, not served a file
    assertThat(request("GET /rpc HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 426");
    try (RpcChannel channel = RpcChannel.connect(server.address(), ChannelOptions.DEFAULT)) {
      assertThat(
              ClientCalls.blockingUnary(
                  channel, ConformanceService.ECHO, CallOptions.DEFAULT, "through the gate"))
          .isEqualTo("through the gate");
    }
  }

  private String request(String raw) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(raw.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      // header names as Netty writes them (lower case); the status line as sent
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
