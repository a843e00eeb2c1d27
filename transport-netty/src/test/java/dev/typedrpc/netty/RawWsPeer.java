package dev.typedrpc.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.netty.internal.ws.WsPipelines;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket peer written byte by byte on a blocking socket, for tests of peers that misbehave: it
 * upgrades, then sends typedrpc frames and reads nothing unless asked.
 */
final class RawWsPeer {
  /** SETTINGS protocol_version=1 (no BATCH). */
  static final byte[] SETTINGS = {0x01, 0x00, 0x00, 0x08, 0x01};

  /** PING with an 8-byte payload. */
  static final byte[] PING = {0x0B, 0x00, 0x00, 1, 2, 3, 4, 5, 6, 7, 8};

  private final Socket socket;
  private final OutputStream out;

  RawWsPeer(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
  }

  /** The upgrade to typedrpc.v1; reads the 101 response head and nothing after it. */
  void handshake(int port) throws IOException {
    String request =
        "GET /rpc HTTP/1.1\r\nHost: 127.0.0.1:"
            + port
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Protocol: "
            + WsPipelines.SUBPROTOCOL
            + "\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.US_ASCII));
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

  /** Sends one frame as one WebSocket message. */
  void send(byte[] frame) throws IOException {
    out.write(ws(frame));
    out.flush();
  }

  /**
   * Starts a daemon thread writing PINGs in 16 KiB chunks until the write fails (the server closed
   * the connection); it ends then.
   */
  Thread floodPings() {
    Thread t =
        new Thread(
            () -> {
              byte[] ping = ws(PING);
              byte[] chunk = new byte[(16 * 1024 / ping.length) * ping.length];
              for (int i = 0; i < chunk.length; i += ping.length) {
                System.arraycopy(ping, 0, chunk, i, ping.length);
              }
              try {
                while (true) {
                  out.write(chunk);
                }
              } catch (IOException e) {
                // the server closed the connection
              }
            },
            "ping-flooder");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** CALL_START for {@code method} with an initial credit of 1. */
  static byte[] callStart(int id, String method) {
    byte[] name = method.getBytes(StandardCharsets.US_ASCII);
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
    f.write(name.length);
    f.write(name, 0, name.length);
    f.write(0x20); // field 4 (initial_credit) = 1
    f.write(0x01);
    return f.toByteArray();
  }

  /** A masked binary WebSocket message (mask 0, so the payload is sent as is), payload < 126. */
  static byte[] ws(byte[] payload) {
    byte[] frame = new byte[payload.length + 6];
    frame[0] = (byte) 0x82;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(payload, 0, frame, 6, payload.length);
    return frame;
  }
}
