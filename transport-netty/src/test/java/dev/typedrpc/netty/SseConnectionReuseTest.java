package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcServer;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.testing.ConformanceService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
 * SSE connections reused across sessions, as clients that pool HTTP/1.1 connections (browsers,
 * Node's fetch) reuse them: a connection that carried one session's POSTs and then carries another
 * session's event stream is not closed when the first session ends, whether the server ended it or
 * the client did. Raw sockets against a real server; each check ends with a PING posted to the
 * second session and its PONG read from the reused connection.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SseConnectionReuseTest {
  private static final Pattern SESSION = Pattern.compile("event: ?session\r?\ndata: ?(\\S+)\r?\n");
  private static final byte[] PING = {0x0B, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
  private static final Charset US = StandardCharsets.US_ASCII;

  private final List<Socket> sockets = new ArrayList<>();
  private RpcServer server;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen(URI.create("ws://127.0.0.1:0/rpc"))
            .addService(new ConformanceService().definition())
            .transportSettings(TransportSettings.DEFAULT.withConnectTimeout(Duration.ofSeconds(5)))
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

  @Test
  void aPostConnectionReusedForAnEventStreamOutlivesTheSessionTheServerEnded() throws Exception {
    String first = openSession(open());
    Socket reused = open();
    assertThat(post(reused, first, frames(RawFrames.settings(false)))).startsWith("HTTP/1.1 204");
    String second = openSession(reused);

    // a malformed body: the server ends the first session, and closes its POST connections
    Socket bad = open();
    assertThat(post(bad, first, new byte[] {0, 0, 0, 9, 1})).startsWith("HTTP/1.1 400");
    awaitEnded(first);

    assertPongOn(reused, second);
  }

  @Test
  void aPostConnectionReusedForAnEventStreamOutlivesTheSessionTheClientEnded() throws Exception {
    Socket events = open();
    String first = openSession(events);
    Socket reused = open();
    assertThat(post(reused, first, frames(RawFrames.settings(false)))).startsWith("HTTP/1.1 204");

    events.close(); // the client ends the first session ...
    awaitEnded(first);
    String second = openSession(reused); // ... and opens the next on the connection it kept

    assertPongOn(reused, second);
  }

  // ---------------------------------------------------------------- helpers

  private Socket open() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.address().getPort());
    s.setSoTimeout(10_000);
    sockets.add(s);
    return s;
  }

  private static String openSession(Socket s) throws IOException {
    send(s, "GET /rpc/sse HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n".getBytes(US));
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

  /** POSTs {@code body} to session {@code id} on {@code s}; returns the response head. */
  private static String post(Socket s, String id, byte[] body) throws IOException {
    String head =
        "POST /rpc/sse/"
            + id
            + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(head.getBytes(US));
    request.writeBytes(body);
    send(s, request.toByteArray());
    return readUntil(s.getInputStream(), "\r\n\r\n");
  }

  /** Polls until a POST to session {@code id} is answered 404: the server has ended it. */
  private void awaitEnded(String id) throws IOException, InterruptedException {
    for (int i = 0; ; i++) {
      Socket probe = open();
      if (post(probe, id, new byte[0]).startsWith("HTTP/1.1 404")) {
        return;
      }
      assertThat(i).as("session %s still open", id).isLessThan(500);
      Thread.sleep(10);
    }
  }

  /** Posts SETTINGS and a PING to session {@code id}; its event stream on {@code events} PONGs. */
  private void assertPongOn(Socket events, String id) throws IOException {
    assertThat(post(open(), id, frames(RawFrames.settings(false), PING)))
        .startsWith("HTTP/1.1 204");
    InputStream in = events.getInputStream();
    while (true) {
      String line = readUntil(in, "\n");
      assertThat(line).as("the reused connection is still open").endsWith("\n");
      if (line.startsWith("data:")) {
        byte[] frame = Base64.getDecoder().decode(line.substring(5).trim());
        if (RawFrames.parse(frame).type() == 0x0C) {
          return; // PONG
        }
      }
    }
  }

  /** A POST body: each frame with its 4-byte length. */
  private static byte[] frames(byte[]... frames) {
    int size = 0;
    for (byte[] f : frames) {
      size += 4 + f.length;
    }
    ByteBuffer body = ByteBuffer.allocate(size);
    for (byte[] f : frames) {
      body.putInt(f.length).put(f);
    }
    return body.array();
  }

  private static void send(Socket s, byte[] bytes) throws IOException {
    s.getOutputStream().write(bytes);
    s.getOutputStream().flush();
  }

  /** Reads until {@code until} ends what was read, or the connection ends (then returns less). */
  private static String readUntil(InputStream in, String until) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (!out.toString(US).endsWith(until)) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      out.write(b);
    }
    return out.toString(US);
  }
}
