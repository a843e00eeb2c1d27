package dev.typedrpc.bench.flood;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hostile WebSocket peer: upgrades to {@code typedrpc.v1}, sends SETTINGS, then floods frames
 * (PINGs or CALL_STARTs for a method nobody serves) and never reads what comes back (receive buffer
 * 4 KiB). When the server drops it, it connects again at once, until stopped.
 */
final class RawFlooder extends Thread {
  enum Kind {
    PING,
    UNKNOWN_CALL
  }

  private static final byte[] SETTINGS = {0x01, 0x00, 0x00, 0x08, 0x01};
  private static final byte[] PING = {0x0B, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8};

  private final int port;
  private final Kind kind;
  private volatile boolean stopped;
  private volatile Socket socket;
  final AtomicLong bytesSent = new AtomicLong();
  final AtomicLong connections = new AtomicLong();
  final AtomicLong refusedUpgrades = new AtomicLong();

  /** Connections the server ended while the peer was flooding them. */
  final AtomicLong dropped = new AtomicLong();

  /** The longest a connection lasted before the server ended it, in ms. */
  final AtomicLong longestMillis = new AtomicLong();

  RawFlooder(int port, Kind kind) {
    super("flood-" + kind);
    setDaemon(true);
    this.port = port;
    this.kind = kind;
  }

  @Override
  public void run() {
    while (!stopped) {
      try (Socket s = new Socket()) {
        socket = s;
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        s.setSoTimeout(10_000);
        if (!upgrade(s, port)) {
          refusedUpgrades.incrementAndGet();
          continue;
        }
        connections.incrementAndGet();
        long start = System.nanoTime();
        try {
          OutputStream out = s.getOutputStream();
          out.write(ws(SETTINGS));
          flood(out);
        } catch (IOException e) {
          if (!stopped) { // dropped by the server: connect again
            dropped.incrementAndGet();
            longestMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
          }
        }
      } catch (IOException e) {
        // could not connect or upgrade: try again
      }
    }
  }

  void halt() throws InterruptedException {
    stopped = true;
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closed
      }
    }
    join(10_000);
  }

  private void flood(OutputStream out) throws IOException {
    ByteArrayOutputStream chunk = new ByteArrayOutputStream();
    int stream = 1;
    while (!stopped) {
      chunk.reset();
      while (chunk.size() < 16 * 1024) {
        if (kind == Kind.PING) {
          chunk.write(ws(PING));
        } else {
          chunk.write(ws(callStart(stream)));
          stream = stream + 2 > 1 << 28 ? 1 : stream + 2;
        }
      }
      out.write(chunk.toByteArray());
      bytesSent.addAndGet(chunk.size());
    }
  }

  /** Sends the upgrade request; true on {@code 101}. Reads the response head only. */
  static boolean upgrade(Socket s, int port) throws IOException {
    String request =
        "GET /rpc HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: typedrpc.v1\r\n\r\n";
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return false;
      }
      head.append((char) b);
    }
    return head.toString().startsWith("HTTP/1.1 101");
  }

  /** CALL_START for {@code nope.Nope/Nope}, which no server serves, with credit 1. */
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

  /** A masked binary WebSocket message (mask 0: the payload as is), payload under 126 bytes. */
  private static byte[] ws(byte[] payload) {
    byte[] frame = new byte[payload.length + 6];
    frame[0] = (byte) 0x82;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(payload, 0, frame, 6, payload.length);
    return frame;
  }
}
