package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcServer;
import dev.typedrpc.testing.ConformanceService;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A draining server takes no new work on the HTTP/1.1 connections that stay open through its drain
 * (an SSE session's POST connection while the session has a call in progress): a new SSE session, a
 * WebSocket upgrade or a web call asked for there gets 503 and the connection closes, so the client
 * goes elsewhere, while the session's own POSTs are still taken.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@ExtendWith(LeakCheck.class)
class Http1DrainTest {
  private static final String SLEEP = ConformanceService.NAME + "/Sleep";

  private final ConformanceService service = new ConformanceService();
  private RpcServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc")
            .addService(service.definition())
            // long enough that a connection still open at the end of a test was kept by the drain
            .drainTimeout(Duration.ofSeconds(60))
            .build()
            .start();
    port = server.address().getPort();
  }

  @AfterEach
  void stop() {
    server.shutdownNow();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET /rpc/sse HTTP/1.1\r\nhost: x\r\naccept: text/event-stream\r\n\r\n",
        "GET /rpc HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: Upgrade\r\n"
            + "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n"
            + "sec-websocket-protocol: typedrpc.v1\r\n\r\n",
        "POST /typedrpc.testing.Conformance/Echo HTTP/1.1\r\nhost: x\r\n"
            + "content-type: application/proto\r\ncontent-length: 0\r\n\r\n"
      })
  void aSessionsPostConnectionTakesNoNewWorkOnceTheServerDrains(String request) throws Exception {
    try (Socket events = new Socket("127.0.0.1", port);
        Socket posts = new Socket("127.0.0.1", port)) {
      sessionWithACallInProgress(events, posts);

      server.shutdown();
      OutputStream out = posts.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String refusal = readAll(posts.getInputStream());

      assertThat(refusal).startsWith("HTTP/1.1 503").contains("the server is shutting down");
    } // readAll returned: the server closed the connection after its refusal
  }

  @Test
  void aSessionsOwnPostsAreStillTakenWhileItDrains() throws Exception {
    try (Socket events = new Socket("127.0.0.1", port);
        Socket posts = new Socket("127.0.0.1", port)) {
      String session = sessionWithACallInProgress(events, posts);

      server.shutdown();

      assertThat(post(posts, session /* nothing to say: a POST of no frames */))
          .startsWith("HTTP/1.1 204");
    }
  }

  /**
   * A POST connection kept open after its client ended the session (a client that pools connections
   * may reuse it) has nothing to finish: the drain closes it at once, as any idle connection.
   */
  @Test
  void aPostConnectionLeftByAnEndedSessionClosesWhenTheServerDrains() throws Exception {
    String session;
    try (Socket posts = new Socket("127.0.0.1", port)) {
      try (Socket events = new Socket("127.0.0.1", port)) {
        session = openSession(events);
        assertThat(post(posts, session, RawFrames.settings(false))).startsWith("HTTP/1.1 204");
      } // the client ends its session
      awaitSessionGone(session);

      server.shutdown();

      assertThat(posts.getInputStream().read()).isEqualTo(-1); // closed, not kept for 60 s
    }
  }

  /** Waits until a POST to {@code session} is answered 404: the server has ended it. */
  private void awaitSessionGone(String session) throws Exception {
    for (int i = 0; i < 1_000; i++) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        if (post(probe, session).startsWith("HTTP/1.1 404")) {
          return;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError(
        "session " + session + " still open 10 s after its event stream closed");
  }

  /**
   * Opens a session (its event stream on {@code events}) and starts a call that never ends through
   * {@code posts}, which the session keeps as its POST connection; returns the session's id. The
   * call, still running when the drain begins, keeps the session's connections open.
   */
  private String sessionWithACallInProgress(Socket events, Socket posts) throws Exception {
    String session = openSession(events);
    String answer =
        post(
            posts,
            session,
            RawFrames.settings(false),
            RawFrames.callStart(1, SLEEP, null),
            RawFrames.message(1, RawFrames.END_STREAM, RawFrames.string("x")));
    assertThat(answer).startsWith("HTTP/1.1 204");
    assertThat(service.sleepStarted.await(10, TimeUnit.SECONDS)).isTrue();
    return session;
  }

  /** Opens an event stream on {@code socket}; returns its session id. */
  private static String openSession(Socket socket) throws IOException {
    socket
        .getOutputStream()
        .write(
            "GET /rpc/sse HTTP/1.1\r\nhost: x\r\naccept: text/event-stream\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
    BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    assertThat(reader.readLine()).isEqualTo("HTTP/1.1 200 OK");
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      if (line.startsWith("data: ")) {
        return line.substring(6);
      }
    }
    throw new AssertionError("the event stream ended before its session event");
  }

  /**
   * POSTs {@code frames} (each with its 4-byte length) to the session on a kept-alive connection;
   * returns the response's head.
   */
  private static String post(Socket socket, String session, byte[]... frames) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] f : frames) {
      body.writeBytes(ByteBuffer.allocate(4).putInt(f.length).array());
      body.writeBytes(f);
    }
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /rpc/sse/"
                + session
                + " HTTP/1.1\r\nhost: x\r\ncontent-type: application/octet-stream\r\n"
                + "content-length: "
                + body.size()
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    body.writeTo(out);
    out.flush();
    return readHead(socket.getInputStream());
  }

  /** The status line and headers of one response without a body (204), read byte by byte. */
  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed within a response head: " + head);
      }
      head.append((char) b);
    }
    return head.toString();
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
  }
}
