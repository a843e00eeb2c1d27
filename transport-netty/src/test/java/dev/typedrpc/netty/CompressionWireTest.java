package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcServer;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.testing.ConformanceService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Per-message compression on the frame protocol, seen on the wire of a real server (WebSocket and
 * SSE on a real socket) by peers written byte by byte over the JDK's own WebSocket and HTTP
 * clients: the compression threshold, the COMPRESSED flag on calls that negotiated no encoding, and
 * gzip bombs, each of which fails its call while the connection goes on serving.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompressionWireTest {
  private static final String ECHO = ConformanceService.ECHO.fullName();
  private static final int MAX_MESSAGE = 1 << 20;

  private RpcServer server;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen(URI.create("ws://127.0.0.1:0/rpc"))
            .addService(new ConformanceService().definition())
            .transportSettings(TransportSettings.DEFAULT.withMaxMessageSize(MAX_MESSAGE))
            .build()
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  /** A raw client of one transport. */
  interface Peer extends AutoCloseable {
    void send(byte[]... frames) throws Exception;

    RawFrames.Frame next() throws InterruptedException;

    @Override
    void close();
  }

  @Test
  void websocketThreshold() throws Exception {
    try (Peer peer = new WsPeer()) {
      threshold(peer);
    }
  }

  @Test
  void sseThreshold() throws Exception {
    try (Peer peer = new SsePeer()) {
      threshold(peer);
    }
  }

  @Test
  void websocketGzipBombIsResourceExhausted() throws Exception {
    try (Peer peer = new WsPeer()) {
      bomb(peer);
    }
  }

  @Test
  void sseGzipBombIsResourceExhausted() throws Exception {
    try (Peer peer = new SsePeer()) {
      bomb(peer);
    }
  }

  @Test
  void websocketCompressedMessageWithoutEncodingIsInternal() throws Exception {
    try (Peer peer = new WsPeer()) {
      compressedWithoutEncoding(peer);
    }
  }

  @Test
  void sseCompressedMessageWithoutEncodingIsInternal() throws Exception {
    try (Peer peer = new SsePeer()) {
      compressedWithoutEncoding(peer);
    }
  }

  @Test
  void aPeerThatDoesNotAcceptGzipGetsNone() throws Exception {
    try (Peer peer = new WsPeer(false)) {
      String big = "x".repeat(10_000); // one frame: below the 16 KiB a peer assumes
      peer.send(
          RawFrames.callStart(1, ECHO, "gzip"),
          RawFrames.message(1, RawFrames.END_STREAM, RawFrames.string(big)));
      RawFrames.Frame response = until(peer, 1, RawFrames.MESSAGE);
      assertThat(response.flags() & RawFrames.COMPRESSED).isZero();
      assertThat(response.text()).contains(big);
      assertThat(until(peer, 1, RawFrames.STATUS).statusCode()).isZero();
    }
  }

  /**
   * A gzip call's response below the threshold goes uncompressed; above it, compressed and smaller
   * on the wire, its encoding announced in HEADERS.
   */
  private void threshold(Peer peer) throws Exception {
    peer.send(
        RawFrames.callStart(1, ECHO, "gzip"),
        RawFrames.message(1, RawFrames.END_STREAM, RawFrames.string("small")));
    RawFrames.Frame headers = until(peer, 1, RawFrames.HEADERS);
    assertThat(headers.text()).contains("grpc-encoding").contains("gzip");
    RawFrames.Frame small = until(peer, 1, RawFrames.MESSAGE);
    assertThat(small.flags() & RawFrames.COMPRESSED).as("below the threshold").isZero();
    assertThat(small.text()).contains("small");
    assertThat(until(peer, 1, RawFrames.STATUS).statusCode()).isZero();

    String big = "compressible text ".repeat(300); // 5400 bytes
    peer.send(
        RawFrames.callStart(3, ECHO, "gzip"),
        RawFrames.message(
            3, RawFrames.END_STREAM | RawFrames.COMPRESSED, RawFrames.gzip(RawFrames.string(big))));
    RawFrames.Frame large = until(peer, 3, RawFrames.MESSAGE);
    assertThat(large.flags() & RawFrames.COMPRESSED).as("above the threshold").isNotZero();
    assertThat(large.payload().length).isLessThan(big.length() / 4);
    assertThat(until(peer, 3, RawFrames.STATUS).statusCode()).isZero();
  }

  /**
   * 32 MiB of zeros in about 32 KiB of gzip (one frame), against a 1 MiB limit: RESOURCE_EXHAUSTED
   * for that call; the next call on the connection works.
   */
  private void bomb(Peer peer) throws Exception {
    byte[] bomb = RawFrames.gzip(RawFrames.zeros(32 << 20));
    assertThat(bomb.length).isLessThan(MAX_MESSAGE / 8);
    peer.send(
        RawFrames.callStart(1, ECHO, "gzip"),
        RawFrames.message(1, RawFrames.END_STREAM | RawFrames.COMPRESSED, bomb));
    RawFrames.Frame status = until(peer, 1, RawFrames.STATUS);
    assertThat(status.statusCode()).isEqualTo(8); // RESOURCE_EXHAUSTED
    assertThat(status.text()).contains("inflates past the limit of " + MAX_MESSAGE);
    stillServing(peer, 3);
  }

  private void compressedWithoutEncoding(Peer peer) throws Exception {
    peer.send(
        RawFrames.callStart(1, ECHO, null),
        RawFrames.message(
            1, RawFrames.END_STREAM | RawFrames.COMPRESSED, RawFrames.gzip(RawFrames.string("x"))));
    RawFrames.Frame status = until(peer, 1, RawFrames.STATUS);
    assertThat(status.statusCode()).isEqualTo(13); // INTERNAL
    assertThat(status.text()).contains("announced no grpc-encoding");
    stillServing(peer, 3);
  }

  private static void stillServing(Peer peer, int id) throws Exception {
    peer.send(
        RawFrames.callStart(id, ECHO, "gzip"),
        RawFrames.message(
            id,
            RawFrames.END_STREAM | RawFrames.COMPRESSED,
            RawFrames.gzip(RawFrames.string("still here"))));
    assertThat(until(peer, id, RawFrames.MESSAGE).text()).contains("still here");
    assertThat(until(peer, id, RawFrames.STATUS).statusCode()).isZero();
  }

  /** The next frame of {@code type} on {@code stream}; frames before it are skipped. */
  private static RawFrames.Frame until(Peer peer, int stream, int type) throws Exception {
    while (true) {
      RawFrames.Frame f = peer.next();
      assertThat(f).as("a %s frame on stream %s", type, stream).isNotNull();
      assertThat(f.type()).as("GOAWAY: %s", f.text()).isNotEqualTo(0x0D);
      if (f.stream() == stream && f.type() == type) {
        return f;
      }
    }
  }

  // ------------------------------------------------------------------ peers

  /** A WebSocket peer on the JDK's WebSocket client: one frame per binary message. */
  private final class WsPeer implements Peer, WebSocket.Listener {
    private final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final WebSocket ws;

    WsPeer() throws Exception {
      this(true);
    }

    WsPeer(boolean acceptGzip) throws Exception {
      ws =
          http.newWebSocketBuilder()
              .subprotocols("typedrpc.v1")
              .buildAsync(server.address(), this)
              .get(20, TimeUnit.SECONDS);
      send(RawFrames.settings(acceptGzip));
    }

    @Override
    public void send(byte[]... frames) throws Exception {
      for (byte[] f : frames) {
        ws.sendBinary(ByteBuffer.wrap(f), true).get(20, TimeUnit.SECONDS);
      }
    }

    @Override
    public RawFrames.Frame next() throws InterruptedException {
      byte[] f = frames.poll(20, TimeUnit.SECONDS);
      return f == null ? null : RawFrames.parse(f);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      partial.writeBytes(bytes);
      if (last) {
        frames.add(partial.toByteArray());
        partial.reset();
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void close() {
      ws.abort();
    }
  }

  /**
   * An SSE peer on the JDK's HTTP client: frames come as {@code data: <base64>} events of the
   * session's stream, and go as POSTs of length-prefixed frames.
   */
  private final class SsePeer implements Peer {
    private final Pattern session = Pattern.compile("event: session\ndata: ([A-Za-z0-9_-]+)\n");
    private final BlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
    private final InputStream events;
    private final Thread reader;
    private final URI post;

    SsePeer() throws Exception {
      URI base = URI.create("http://127.0.0.1:" + server.address().getPort() + "/rpc/sse");
      events =
          http.send(
                  HttpRequest.newBuilder(base).header("Accept", "text/event-stream").build(),
                  HttpResponse.BodyHandlers.ofInputStream())
              .body();
      StringBuilder head = new StringBuilder();
      Matcher m;
      while (!(m = session.matcher(head)).find()) {
        int b = events.read();
        assertThat(b).as("the session event").isNotNegative();
        head.append((char) b);
      }
      post = URI.create(base + "/" + m.group(1));
      reader = new Thread(this::readEvents, "sse-peer");
      reader.setDaemon(true);
      reader.start();
      send(RawFrames.settings(true));
    }

    private void readEvents() {
      StringBuilder line = new StringBuilder();
      try {
        for (int b = events.read(); b >= 0; b = events.read()) {
          if (b != '\n') {
            line.append((char) b);
            continue;
          }
          if (line.toString().startsWith("data: ")) {
            frames.add(Base64.getDecoder().decode(line.substring(6)));
          }
          line.setLength(0);
        }
      } catch (IOException e) {
        // closed
      }
    }

    @Override
    public void send(byte[]... frames) throws Exception {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (byte[] f : frames) {
        body.writeBytes(ByteBuffer.allocate(4).putInt(f.length).array());
        body.writeBytes(f);
      }
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(post)
                  .header("Content-Type", "application/octet-stream")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.US_ASCII));
      assertThat(r.statusCode()).as("POST: %s", r.body()).isEqualTo(204);
    }

    @Override
    public RawFrames.Frame next() throws InterruptedException {
      byte[] f = frames.poll(20, TimeUnit.SECONDS);
      return f == null ? null : RawFrames.parse(f);
    }

    @Override
    public void close() {
      try {
        events.close();
      } catch (IOException e) {
        // closing anyway
      }
      reader.interrupt();
    }
  }
}
