package dev.typedrpc.it;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.typedrpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw peer of the frame protocol: the JDK's own WebSocket client, sending hand-made frames and
 * reading what the server answers. Written from {@code docs/PROTOCOL.md}, independently of the
 * engine.
 */
final class RawFrames implements WebSocket.Listener, AutoCloseable {
  static final byte SETTINGS = 1;
  static final byte CALL_START = 2;
  static final byte MESSAGE = 4;
  static final byte STATUS = 0x0A;
  static final byte GOAWAY = 0x0D;
  static final byte BATCH = 0x0E;
  static final int END_STREAM = 1;

  /** A received frame. */
  record Frame(byte type, int streamId, byte[] payload) {}

  private final BlockingQueue<Frame> received = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final WebSocket socket;

  RawFrames(URI server) throws Exception {
    this(server, false);
  }

  /**
   * @param readsBatches whether this peer's SETTINGS say it reads BATCH frames
   */
  RawFrames(URI server, boolean readsBatches) throws Exception {
    socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .subprotocols("typedrpc.v1")
            .connectTimeout(Duration.ofSeconds(10))
            .buildAsync(server, this)
            .get(10, TimeUnit.SECONDS);
    // the first frame: protocol_version = 1 [, reads_batches = 1]
    send(
        SETTINGS,
        0,
        0,
        readsBatches ? new byte[] {0x08, 0x01, 0x38, 0x01} : new byte[] {0x08, 0x01});
  }

  void send(byte type, int flags, int streamId, byte[] payload) throws Exception {
    sendMessage(frame(type, flags, streamId, payload));
  }

  /** Sends {@code bytes} as one WebSocket message, whatever they are. */
  void sendMessage(byte[] bytes) throws Exception {
    socket.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
  }

  /** A BATCH frame of the given frames. */
  static byte[] batch(byte[]... frames) throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(payload);
    for (byte[] f : frames) {
      out.writeUInt32NoTag(f.length);
      out.writeRawBytes(f);
    }
    out.flush();
    return frame(BATCH, 0, 0, payload.toByteArray());
  }

  /** The frames a received BATCH carries. */
  static java.util.List<Frame> unpack(Frame batch) throws IOException {
    java.util.List<Frame> frames = new java.util.ArrayList<>();
    CodedInputStream in = CodedInputStream.newInstance(batch.payload());
    while (!in.isAtEnd()) {
      frames.add(parse(in.readByteArray()));
    }
    return frames;
  }

  static byte[] callStartFrame(int streamId, String method) throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(payload);
    out.writeString(1, method);
    out.writeUInt32(4, 1);
    out.flush();
    return frame(CALL_START, 0, streamId, payload.toByteArray());
  }

  static byte[] frame(byte type, int flags, int streamId, byte[] payload) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(type);
    bytes.write(flags);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeUInt32NoTag(streamId);
    out.writeRawBytes(payload);
    out.flush();
    return bytes.toByteArray();
  }

  void callStart(int streamId, String method) throws Exception {
    sendMessage(callStartFrame(streamId, method));
  }

  /** The next frame of {@code type} (others are skipped), within 10 s. */
  Frame next(byte type) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      Frame f = received.poll(100, TimeUnit.MILLISECONDS);
      if (f != null && f.type() == type) {
        return f;
      }
    }
    throw new AssertionError("no frame of type " + type + " within 10 s");
  }

  /** The status in a STATUS or GOAWAY payload. */
  static Status status(Frame f) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(f.payload());
    int code = 0;
    String message = null;
    int codeField = f.type() == GOAWAY ? 2 : 1;
    int messageField = f.type() == GOAWAY ? 3 : 2;
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      int field = tag >>> 3;
      if (field == codeField) {
        code = in.readUInt32();
      } else if (field == messageField) {
        message = in.readString();
      } else {
        in.skipField(tag);
      }
    }
    return Status.fromCode(code, message);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
    byte[] chunk = new byte[data.remaining()];
    data.get(chunk);
    partial.writeBytes(chunk);
    if (last) {
      byte[] frame = partial.toByteArray();
      partial.reset();
      try {
        received.add(parse(frame));
      } catch (IOException e) {
        closed.completeExceptionally(e);
      }
    }
    ws.request(1);
    return null;
  }

  private static Frame parse(byte[] frame) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(frame, 2, frame.length - 2);
    int id = in.readRawVarint32();
    int headerLength = 2 + in.getTotalBytesRead();
    return new Frame(frame[0], id, java.util.Arrays.copyOfRange(frame, headerLength, frame.length));
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  /** The connection ended without a close frame (e.g. reset): -1. */
  @Override
  public void onError(WebSocket ws, Throwable error) {
    closed.complete(-1);
  }

  @Override
  public void close() {
    socket.abort();
  }
}
