package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.ServerTransport;
import dev.typedrpc.spi.TransportProvider;
import dev.typedrpc.spi.TransportSettings;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A raw HTTP/2 peer on a real socket against our h2c server: control-frame floods (PING, SETTINGS),
 * empty DATA frames and CONTINUATION floods close that connection (Netty's guards, which the
 * server's handler sets explicitly, and our ping policy), and the server keeps serving others. The
 * flooding peer does not read, so that what the server answers piles up on its side.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class H2FloodTest {
  private static final int PING = 6;
  private static final int SETTINGS = 4;
  private static final int HEADERS = 1;
  private static final int DATA = 0;
  private static final int CONTINUATION = 9;
  private static final int GOAWAY = 7;
  private static final int ENHANCE_YOUR_CALM = 11;

  /** Frames a flood may send before the test gives up on the server closing it. */
  private static final int MAX_FLOOD_FRAMES = 4_000_000;

  /** Frames a flood writes at once. */
  private static final int BATCH = 20_000;

  private final TransportProvider provider =
      ServiceLoader.load(TransportProvider.class).stream()
          .map(ServiceLoader.Provider::get)
          .filter(p -> p.schemes().contains("h2c"))
          .findFirst()
          .orElseThrow();
  private final EchoService service = new EchoService();
  private ServerTransport server;

  private void startServer(KeepAliveSettings keepAlive) throws Exception {
    server =
        provider.newServerTransport(
            URI.create("ws://127.0.0.1:0/rpc"),
            TransportSettings.DEFAULT
                .withConnectTimeout(Duration.ofSeconds(5))
                .withKeepAlive(keepAlive));
    server.start(service);
  }

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.shutdownNow();
      server.shutdown().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void pingFloodGetsGoAwayTooManyPings() throws Exception {
    startServer(KeepAliveSettings.DEFAULT); // a PING every 5 minutes
    try (Socket s = connect(0)) {
      OutputStream out = s.getOutputStream();
      ByteArrayOutputStream pings = new ByteArrayOutputStream();
      for (int i = 0; i < 10; i++) {
        frame(pings, PING, 0, 0, new byte[8]);
      }
      writeIgnoringClose(out, pings.toByteArray());
      int[] goAway = readUntilGoAway(new DataInputStream(s.getInputStream()));
      assertThat(goAway[0]).isEqualTo(ENHANCE_YOUR_CALM);
      assertThat(goAway[1]).isEqualTo(1); // the debug data is "too_many_pings"
      assertClosed(s);
    }
    assertStillServing();
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS) // ~7 MB of 9- and 17-byte frames; slow when loaded
  void pingFloodOfAPeerThatDoesNotReadIsClosedByTheControlFrameLimit() throws Exception {
    // a policy that lets every PING through: what closes the connection is Netty's limit on
    // queued control frames (the PING acks the peer does not read)
    startServer(
        KeepAliveSettings.DEFAULT
            .withPermitKeepAliveTime(Duration.ofNanos(1))
            .withPermitKeepAliveWithoutCalls(true));
    flood(PING, new byte[8]);
    assertStillServing();
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS) // ~7 MB of 9- and 17-byte frames; slow when loaded
  void settingsFloodOfAPeerThatDoesNotReadIsClosedByTheControlFrameLimit() throws Exception {
    startServer(KeepAliveSettings.DEFAULT);
    flood(SETTINGS, new byte[0]);
    assertStillServing();
  }

  @Test
  void emptyDataFramesAreAConnectionError() throws Exception {
    startServer(KeepAliveSettings.DEFAULT);
    try (Socket s = connect(0)) {
      ByteArrayOutputStream frames = new ByteArrayOutputStream();
      frame(frames, HEADERS, 0x4, 1, requestHeaders()); // END_HEADERS, the stream stays open
      for (int i = 0; i < 100; i++) {
        frame(frames, DATA, 0, 1, new byte[0]);
      }
      writeIgnoringClose(s.getOutputStream(), frames.toByteArray());
      int[] goAway = readUntilGoAway(new DataInputStream(s.getInputStream()));
      assertThat(goAway[0]).isEqualTo(ENHANCE_YOUR_CALM);
      assertClosed(s);
    }
    assertStillServing();
  }

  @Test
  void continuationFloodIsAConnectionError() throws Exception {
    startServer(KeepAliveSettings.DEFAULT);
    try (Socket s = connect(0)) {
      ByteArrayOutputStream frames = new ByteArrayOutputStream();
      frame(frames, HEADERS, 0, 1, requestHeaders()); // no END_HEADERS: CONTINUATIONs follow
      for (int i = 0; i < 1000; i++) {
        frame(frames, CONTINUATION, 0, 1, new byte[] {0});
      }
      writeIgnoringClose(s.getOutputStream(), frames.toByteArray());
      int[] goAway = readUntilGoAway(new DataInputStream(s.getInputStream()));
      assertThat(goAway[0]).isEqualTo(ENHANCE_YOUR_CALM);
      assertClosed(s);
    }
    assertStillServing();
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Sends {@code type} frames without reading until the server closes the connection, which must
   * happen well before {@link #MAX_FLOOD_FRAMES}.
   */
  private void flood(int type, byte[] payload) throws Exception {
    // large writes: the server reads many frames per read batch and flushes their acks only at its
    // end, as a peer that floods quickly makes it do
    ByteArrayOutputStream batch = new ByteArrayOutputStream();
    for (int i = 0; i < BATCH; i++) {
      frame(batch, type, 0, 0, payload);
    }
    byte[] bytes = batch.toByteArray();
    long start = System.nanoTime();
    int sent = 0;
    try (Socket s = connect(4096)) {
      OutputStream out = s.getOutputStream();
      try {
        while (sent < MAX_FLOOD_FRAMES) {
          out.write(bytes);
          sent += BATCH;
        }
      } catch (SocketException e) {
        // the server closed the connection: the flood is over
      }
      System.out.printf(
          "flood of type %d: closed after %,d frames (%,d bytes) in %d ms%n",
          type,
          sent,
          (long) sent * bytes.length / BATCH,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
      assertThat(sent).isLessThan(MAX_FLOOD_FRAMES);
    }
  }

  /** A connection that sent the preface and empty SETTINGS. */
  private Socket connect(int receiveBuffer) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer); // what the server answers piles up on its side
    }
    s.connect(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.localAddress().getPort()),
        5000);
    s.setSoTimeout(20_000);
    OutputStream out = s.getOutputStream();
    out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    ByteArrayOutputStream settings = new ByteArrayOutputStream();
    frame(settings, SETTINGS, 0, 0, new byte[0]);
    out.write(settings.toByteArray());
    out.flush();
    return s;
  }

  private static void writeIgnoringClose(OutputStream out, byte[] bytes) throws IOException {
    try {
      out.write(bytes);
      out.flush();
    } catch (SocketException e) {
      // closed while we were still writing: what it sent before is still to be read
    }
  }

  private static void frame(
      ByteArrayOutputStream out, int type, int flags, int streamId, byte[] payload) {
    out.write(payload.length >>> 16);
    out.write(payload.length >>> 8);
    out.write(payload.length);
    out.write(type);
    out.write(flags);
    out.write(streamId >>> 24);
    out.write(streamId >>> 16);
    out.write(streamId >>> 8);
    out.write(streamId);
    out.writeBytes(payload);
  }

  /** A gRPC request's headers for Hold, HPACK literals without indexing. */
  private static byte[] requestHeaders() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    header(out, ":method", "POST");
    header(out, ":scheme", "http");
    header(out, ":path", "/" + EchoService.HOLD.fullName());
    header(out, ":authority", "localhost");
    header(out, "content-type", "application/grpc");
    header(out, "te", "trailers");
    return out.toByteArray();
  }

  private static void header(ByteArrayOutputStream out, String name, String value) {
    out.write(0); // literal without indexing, new name
    out.write(name.length());
    out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
    out.write(value.length());
    out.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
  }

  /** Reads frames up to a GOAWAY: its error code, and 1 if its debug data is "too_many_pings". */
  private static int[] readUntilGoAway(DataInputStream in) throws IOException {
    while (true) {
      int length = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
      int type = in.readUnsignedByte();
      in.readUnsignedByte(); // flags
      in.readInt(); // stream
      byte[] payload = in.readNBytes(length);
      if (type == GOAWAY) {
        int code =
            ((payload[4] & 0xff) << 24)
                | ((payload[5] & 0xff) << 16)
                | ((payload[6] & 0xff) << 8)
                | (payload[7] & 0xff);
        String debug = new String(payload, 8, payload.length - 8, StandardCharsets.US_ASCII);
        return new int[] {code, debug.equals("too_many_pings") ? 1 : 0};
      }
    }
  }

  /** The server closes the connection after its GOAWAY. */
  private static void assertClosed(Socket s) throws IOException {
    try {
      while (s.getInputStream().read() >= 0) {
        // what followed the GOAWAY
      }
    } catch (SocketException | EOFException e) {
      // reset: closed as well
    }
  }

  /** A well-behaved client on another connection is served. */
  private void assertStillServing() throws Exception {
    Recorder recorder = new Recorder();
    ClientTransport client =
        provider.newClientTransport(
            URI.create("h2c://127.0.0.1:" + server.localAddress().getPort()),
            TransportSettings.DEFAULT.withConnectTimeout(Duration.ofSeconds(5)));
    client.start(recorder);
    ClientStream stream = client.newStream(EchoService.ECHO, Metadata.EMPTY, null, recorder);
    stream.request(1);
    stream.writeMessage("still there");
    stream.halfClose();
    assertThat(recorder.closed.get(20, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.OK);
    assertThat(recorder.messages).containsExactly("echo:still there");
    client.shutdownNow(Status.CANCELLED);
  }
}
