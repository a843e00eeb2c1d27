package dev.typedrpc.netty.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcServer;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.spi.ServerLimits;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.testing.ConformanceService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SSE transport's HTTP surface, spoken by hand: sessions, their binding to an address,
 * keep-alives.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
@ExtendWith(LeakCheck.class)
class SseSessionTest {
  private RpcServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc")
            .addService(new ConformanceService().definition())
            .transportSettings(
                TransportSettings.DEFAULT.withServerLimits(
                    ServerLimits.DEFAULT.withSseKeepAliveInterval(Duration.ofMillis(100))))
            .build()
            .start();
    port = server.address().getPort();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Opens an event stream; returns the socket and a reader positioned after the session event. */
  private record Stream(Socket socket, BufferedReader reader, String session) {}

  private Stream open() throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket
        .getOutputStream()
        .write(
            ("GET /rpc/sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    assertThat(reader.readLine()).isEqualTo("HTTP/1.1 200 OK");
    String session = null;
    for (String line = reader.readLine(); session == null; line = reader.readLine()) {
      if (line.startsWith("data: ")) {
        session = line.substring(6);
      }
    }
    return new Stream(socket, reader, session);
  }

  private static String post(InetAddress from, int port, String session, byte[] body)
      throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(from, 0));
      s.connect(new InetSocketAddress("127.0.0.1", port));
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /rpc/sse/"
                  + session
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                  + "Content-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      return new BufferedReader(
              new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  @Test
  void sessionIdsAreLongRandomAndKeepAlivesFlow() throws Exception {
    Stream a = open();
    Stream b = open();
    try {
      assertThat(a.session()).hasSize(22).isNotEqualTo(b.session()); // 128 bits, base64url
      boolean keepalive = false;
      for (int i = 0; i < 50 && !keepalive; i++) {
        keepalive = ": keepalive".equals(a.reader().readLine());
      }
      assertThat(keepalive).as("a keep-alive comment within a few lines").isTrue();
    } finally {
      a.socket().close();
      b.socket().close();
    }
  }

  @Test
  void postsToAnUnknownSessionAreNotFound() throws Exception {
    assertThat(post(InetAddress.getByName("127.0.0.1"), port, "no-such-session", new byte[0]))
        .contains("404");
  }

  @Test
  void aSessionIsBoundToTheAddressThatOpenedIt() throws Exception {
    Stream s = open();
    try {
      // Linux routes all of 127.0.0.0/8 to loopback: 127.0.0.2 is another client on this machine
      assertThat(post(InetAddress.getByName("127.0.0.2"), port, s.session(), new byte[0]))
          .contains("403");
      assertThat(post(InetAddress.getByName("127.0.0.1"), port, s.session(), new byte[0]))
          .contains("204");
    } finally {
      s.socket().close();
    }
  }

  @Test
  void aMalformedBodyIsABadRequestAndEndsTheSession() throws Exception {
    Stream s = open();
    try {
      byte[] lengthBeyondBody = {0, 0, 0, 9, 1, 2};
      assertThat(post(InetAddress.getByName("127.0.0.1"), port, s.session(), lengthBeyondBody))
          .contains("400");
      String line = "";
      while (line != null) {
        line = s.reader().readLine(); // the stream ends (GOAWAY event, then the connection closes)
      }
      assertThat(post(InetAddress.getByName("127.0.0.1"), port, s.session(), new byte[0]))
          .contains("404");
    } finally {
      s.socket().close();
    }
  }
}
