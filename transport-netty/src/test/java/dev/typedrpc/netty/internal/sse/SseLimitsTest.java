package dev.typedrpc.netty.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcServer;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.spi.ServerLimits;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.testing.ConformanceService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SSE transport's bounds against a misbehaving client on real sockets: sessions per client
 * address, POST connections per session, POSTs to sessions that do not exist, and idle POST
 * connections.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SseLimitsTest {
  private static final Pattern SESSION = Pattern.compile("event: ?session\r?\ndata: ?(\\S+)\r?\n");

  private final List<Socket> sockets = new ArrayList<>();
  private RpcServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen(URI.create("ws://127.0.0.1:0/rpc"))
            .addService(new ConformanceService().definition())
            .transportSettings(
                // (an event stream whose client POSTs no frames is closed after this: the steps of
                // a
                // test fit well within it)
                TransportSettings.DEFAULT
                    .withConnectTimeout(Duration.ofSeconds(5))
                    .withServerLimits(
                        ServerLimits.DEFAULT
                            .withSseMaxSessions(10_000, 2)
                            .withSsePostIdleTimeout(Duration.ofMillis(500))))
            .build()
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  private Socket open() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
    s.setSoTimeout(5_000);
    sockets.add(s);
    return s;
  }

  private static void send(Socket s, String request) throws IOException {
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  /** Reads until {@code until} appears in what was read (or the connection ends). */
  private static String readUntil(Socket s, String until) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1024];
    while (!out.toString(StandardCharsets.US_ASCII).contains(until)) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      out.write(buf, 0, n);
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  /** Whether the server closes the connection within the socket's timeout. */
  private static boolean closedByServer(Socket s) throws IOException {
    try {
      InputStream in = s.getInputStream();
      while (in.read() >= 0) {
        // drain what is left of the response
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  private String openSession(Socket s) throws IOException {
    send(s, "GET /rpc/sse HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
    InputStream in = s.getInputStream();
    StringBuilder read = new StringBuilder();
    Matcher m = SESSION.matcher(read);
    while (!m.reset(read).find()) {
      int c = in.read();
      assertThat(c).as("session event in %s", read).isNotNegative();
      read.append((char) c);
    }
    assertThat(read.toString()).startsWith("HTTP/1.1 200");
    return m.group(1);
  }

  private static String post(String id) {
    return "POST /rpc/sse/" + id + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
  }

  @Test
  void aPostToAnUnknownSessionIsAnsweredAndItsConnectionClosed() throws Exception {
    Socket s = open();
    send(s, post("no-such-session"));
    assertThat(readUntil(s, "\r\n")).startsWith("HTTP/1.1 404");
    assertThat(closedByServer(s)).isTrue();
  }

  @Test
  void oneAddressCannotTakeEverySessionSlot() throws Exception {
    openSession(open());
    openSession(open());
    Socket third = open();
    send(third, "GET /rpc/sse HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
    assertThat(readUntil(third, "\r\n")).startsWith("HTTP/1.1 503");
  }

  @Test
  void aSessionHasAtMostFourPostConnectionsAndIdleOnesAreClosed() throws Exception {
    String id = openSession(open());
    List<Socket> posts = new ArrayList<>();
    for (int i = 0; i < SseServer.MAX_POST_CONNECTIONS; i++) {
      Socket p = open();
      send(p, post(id));
      assertThat(readUntil(p, "\r\n\r\n")).startsWith("HTTP/1.1 204");
      posts.add(p);
    }
    Socket extra = open();
    send(extra, post(id));
    assertThat(readUntil(extra, "\r\n")).startsWith("HTTP/1.1 503");
    assertThat(closedByServer(posts.get(0))).as("an idle POST connection is closed").isTrue();
  }
}
