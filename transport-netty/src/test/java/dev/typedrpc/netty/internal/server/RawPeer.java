package dev.typedrpc.netty.internal.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A client written byte by byte on a real socket, for tests of what a server does with peers that
 * misbehave: sends what it is told, reads raw answers and HTTP/2 frames, and tells whether the
 * server closed the connection.
 */
final class RawPeer implements AutoCloseable {
  /** An empty SETTINGS frame: length 0, type 4, no flags, stream 0. */
  static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};

  static final String WS_UPGRADE =
      "GET /rpc HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Protocol: typedrpc.v1\r\n\r\n";

  /** One HTTP/2 frame read. */
  record Frame(int type, int flags, int stream, byte[] payload) {}

  final Socket socket;

  /** Connects from {@code local} (null: any loopback address) to {@code port} on 127.0.0.1. */
  RawPeer(InetAddress local, int port) throws IOException {
    socket = new Socket();
    if (local != null) {
      socket.bind(new InetSocketAddress(local, 0));
    }
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    socket.setSoTimeout(5_000);
  }

  RawPeer(int port) throws IOException {
    this(null, port);
  }

  void send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  void send(String ascii) throws IOException {
    send(ascii.getBytes(StandardCharsets.US_ASCII));
  }

  /** Reads until {@code until} appears in what was read, or the connection ends. */
  String readUntil(String until) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[1024];
    while (!out.toString(StandardCharsets.UTF_8).contains(until)) {
      int n = in.read(buf);
      if (n < 0) {
        break;
      }
      out.write(buf, 0, n);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Reads everything until the server closes the connection. */
  String readToEnd() throws IOException {
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Reads the next HTTP/2 frame. */
  Frame readFrame() throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
    int type = in.readUnsignedByte();
    int flags = in.readUnsignedByte();
    int stream = in.readInt() & 0x7fffffff;
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(type, flags, stream, payload);
  }

  /**
   * Whether the server closes the connection (discarding anything still arriving) within {@code
   * millis}.
   */
  boolean closedByServerWithin(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[1024];
      while (in.read(buf) >= 0) {
        // drain
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException | EOFException e) {
      return true; // reset
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
