package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.ChannelFrameSink;
import dev.typedrpc.netty.internal.server.NettyServerTransport;
import dev.typedrpc.netty.internal.ws.WsPipelines;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.TransportSettings;
import io.netty.channel.Channel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A raw WebSocket peer on a real socket that floods the server with PINGs and CALL_STARTs for an
 * unknown method and never reads what comes back (its receive buffer is small): the server stops
 * reading it, its queued outbound bytes stay bounded, and a well-behaved client on the same server
 * is served throughout. Without the bound the server read on and queued every PONG and refusal
 * (tens of MB for this flood) until its heap was gone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NonReadingPeerTest {
  private static final long MAX_QUEUED = 1 << 20;
  private static final TransportSettings SETTINGS =
      TransportSettings.DEFAULT
          .withConnectTimeout(Duration.ofSeconds(5))
          .withMaxQueuedOutboundBytes(MAX_QUEUED)
          .withOutboundStallTimeout(Duration.ofSeconds(2))
          // the ping policy would close a PING flood early (LivenessTest shows it): let pings
          // through here, so
          // that this test sees what the outbound bound alone does with a peer that does not read
          .withKeepAlive(
              KeepAliveSettings.DEFAULT
                  .withPermitKeepAliveTime(Duration.ofNanos(1))
                  .withPermitKeepAliveWithoutCalls(true));

  /**
   * What the peer sends at most: about 5.7 MB, answers to which would queue ~35 MB without the
   * bound.
   */
  private static final int FLOOD_FRAMES = 300_000;

  private NettyServerTransport server;

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.shutdownNow();
      server.shutdown().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void floodingPeerThatNeverReadsIsNoLongerReadAndStaysBoundedWhileOthersAreServed()
      throws Exception {
    server =
        (NettyServerTransport)
            new NettyTransportProvider()
                .newServerTransport(URI.create("ws://127.0.0.1:0/rpc"), SETTINGS);
    server.start(new EchoService());
    int port = server.localAddress().getPort();

    Socket peer = new Socket();
    peer.setReceiveBufferSize(4096);
    peer.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    handshake(peer, port);
    Flooder flooder = new Flooder(peer.getOutputStream());
    flooder.start();

    Recorder clientEvents = new Recorder();
    ClientTransport client =
        new NettyTransportProvider()
            .newClientTransport(URI.create("ws://127.0.0.1:" + port + "/rpc"), SETTINGS);
    client.start(clientEvents);

    long peak = 0;
    int served = 0;
    Channel flooded = null;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
    while (System.nanoTime() < end) {
      for (Channel ch : server.connections()) {
        if (((InetSocketAddress) ch.remoteAddress()).getPort() == peer.getLocalPort()) {
          flooded = ch;
        }
        peak = Math.max(peak, ChannelFrameSink.queuedBytes(ch));
      }
      if (served < 20) {
        assertThat(echo(client, "call " + served)).isEqualTo("echo:call " + served);
        served++;
      }
      Thread.sleep(5);
    }
    assertThat(flooded).as("the flooding peer's connection").isNotNull();
    long sent = flooder.sentFrames.get();
    assertThat(peak)
        .as("peak bytes queued for the peer (%d frames sent)", sent)
        .isLessThanOrEqualTo(MAX_QUEUED);
    // the server stopped reading the peer: its flood is stuck in the socket buffers
    assertThat(sent).isPositive().isLessThan(FLOOD_FRAMES);
    assertThat(flooded.config().isAutoRead() && !flooded.isWritable())
        .as("still reading a peer whose outbound buffer is full")
        .isFalse();
    assertThat(served).isEqualTo(20);
    assertThat(echo(client, "after")).isEqualTo("echo:after");
    client.shutdownNow(Status.CANCELLED);
    clientEvents.terminated.get(10, TimeUnit.SECONDS);
    peer.close();
    flooder.join(10_000);
  }

  private static String echo(ClientTransport client, String text) throws Exception {
    Recorder r = new Recorder();
    ClientStream stream = client.newStream(EchoService.ECHO, Metadata.EMPTY, null, r);
    stream.request(1);
    stream.writeLastMessage(text);
    assertThat(r.closed.get(5, TimeUnit.SECONDS).code()).isEqualTo(Status.Code.OK);
    return (String) r.messages.get(0);
  }

  /** The upgrade to typedrpc.v1; reads the 101 response head and nothing after it. */
  private static void handshake(Socket socket, int port) throws IOException {
    String request =
        "GET /rpc HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: "
            + WsPipelines.SUBPROTOCOL
            + "\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the handshake: " + head);
      }
      head.append((char) b);
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 101");
  }

  /**
   * Writes SETTINGS, then PINGs and CALL_STARTs for an unknown method until the server drops it.
   */
  private static final class Flooder extends Thread {
    private final OutputStream out;
    final AtomicLong sentFrames = new AtomicLong();

    Flooder(OutputStream out) {
      super("flooder");
      setDaemon(true);
      this.out = out;
    }

    @Override
    public void run() {
      try {
        out.write(
            ws(new byte[] {0x01, 0x00, 0x00, 0x08, 0x01})); // SETTINGS protocol_version=1, no BATCH
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        int stream = 1;
        for (int i = 0; i < FLOOD_FRAMES; i++) {
          if (i % 2 == 0) {
            chunk.write(ws(new byte[] {0x0B, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8})); // PING
          } else {
            chunk.write(ws(callStart(stream)));
            stream += 2;
          }
          if (chunk.size() > 16 * 1024) {
            out.write(chunk.toByteArray());
            sentFrames.set(i + 1);
            chunk.reset();
          }
        }
        out.write(chunk.toByteArray());
        sentFrames.set(FLOOD_FRAMES);
      } catch (IOException e) {
        // the server closed the connection: what this test expects
      }
    }

    /** CALL_START for {@code nope.Nope/Nope}, which the server does not serve. */
    private static byte[] callStart(int id) {
      byte[] method = "nope.Nope/Nope".getBytes(StandardCharsets.US_ASCII);
      ByteArrayOutputStream f = new ByteArrayOutputStream();
      f.write(0x02);
      f.write(0x00);
      for (int v = id; ; v >>>= 7) { // varint stream id
        if ((v & ~0x7f) == 0) {
          f.write(v);
          break;
        }
        f.write((v & 0x7f) | 0x80);
      }
      f.write(0x0A); // field 1, length-delimited
      f.write(method.length);
      f.write(method, 0, method.length);
      f.write(0x20); // field 4 (initial_credit) = 1
      f.write(0x01);
      return f.toByteArray();
    }

    /** A masked binary WebSocket message (mask 0, so the payload is sent as is). */
    private static byte[] ws(byte[] payload) {
      byte[] frame = new byte[payload.length + 6];
      frame[0] = (byte) 0x82;
      frame[1] = (byte) (0x80 | payload.length);
      System.arraycopy(payload, 0, frame, 6, payload.length);
      return frame;
    }
  }
}
