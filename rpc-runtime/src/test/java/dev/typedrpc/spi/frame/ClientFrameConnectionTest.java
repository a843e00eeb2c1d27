package dev.typedrpc.spi.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import dev.typedrpc.Metadata;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.testing.ConformanceService;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client end of the engine, frame by frame: what a call puts on the wire, and how it reads
 * answers.
 */
@Timeout(10)
class ClientFrameConnectionTest {
  private final CapturingSink sink = new CapturingSink();
  private final List<String> events = new ArrayList<>();
  private FrameConnection conn;

  private final ClientTransport.Listener transportListener =
      new ClientTransport.Listener() {
        @Override
        public void transportReady() {
          events.add("ready");
        }

        @Override
        public void transportShutdown(Status reason) {
          events.add("shutdown " + reason.code());
        }

        @Override
        public void transportTerminated() {
          events.add("terminated");
        }
      };

  private final ClientStreamListener streamListener =
      new ClientStreamListener() {
        @Override
        public void onHeaders(Metadata headers) {}

        @Override
        public void onMessage(Object message) {
          events.add("message " + message);
        }

        @Override
        public void onReady() {}

        @Override
        public void onClose(Status status, Metadata trailers) {
          events.add("close " + status);
        }
      };

  @BeforeEach
  void open() {
    conn = FrameConnection.client(sink, TransportSettings.DEFAULT, transportListener);
    conn.onOpen();
    assertThat(sink.take(FrameType.SETTINGS)).hasSize(1);
  }

  private void serverSettings() throws IOException {
    // protocol_version 1, and one service: typedrpc.testing.Conformance v1
    byte[] service = {0x0a, 0x1d};
    java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream out =
        com.google.protobuf.CodedOutputStream.newInstance(payload);
    out.writeUInt32(1, 1);
    java.io.ByteArrayOutputStream info = new java.io.ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream i =
        com.google.protobuf.CodedOutputStream.newInstance(info);
    i.writeString(1, ConformanceService.NAME);
    i.writeUInt32(2, 1);
    i.flush();
    out.writeByteArray(6, info.toByteArray());
    out.flush();
    assertThat(service).isNotEmpty();
    conn.onFrame(FrameConnectionTest.frame(FrameType.SETTINGS, 0, 0, payload.toByteArray()));
  }

  @Test
  void callsWaitForTheServersSettings() throws IOException {
    ClientStream s = conn.newStream(ConformanceService.ECHO, Metadata.EMPTY, null, streamListener);
    s.request(1);
    s.writeLastMessage("hi");
    sink.runTasks();
    assertThat(sink.frames).isEmpty();
    assertThat(events).isEmpty();
    serverSettings();
    assertThat(events).containsExactly("ready");
    assertThat(sink.take(FrameType.CALL_START)).hasSize(1);
  }

  @Test
  void aUnaryRequestIsTwoFrames() throws IOException {
    serverSettings();
    ClientStream s = conn.newStream(ConformanceService.ECHO, Metadata.EMPTY, null, streamListener);
    s.request(1);
    s.writeLastMessage("hi");
    sink.runTasks();
    List<ByteBuffer> frames = new ArrayList<>(sink.frames);
    assertThat(frames)
        .extracting(f -> f.get(0))
        .containsExactly(FrameType.CALL_START, FrameType.MESSAGE);
    assertThat(frames.get(1).get(1))
        .as("END_STREAM folded into the message")
        .isEqualTo((byte) FrameType.FLAG_END_STREAM);
    // the response credit travels in CALL_START (field 4 = 1)
    ByteBuffer callStart = frames.get(0).duplicate();
    callStart.position(3);
    CodedInputStream in = CodedInputStream.newInstance(callStart);
    int credit = 0;
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      if (tag >>> 3 == 4) {
        credit = in.readUInt32();
      } else {
        in.skipField(tag);
      }
    }
    assertThat(credit).isEqualTo(1);
  }

  @Test
  void aUnaryCallFromAnotherThreadIsOneTaskAndSendsNoCredit() throws IOException {
    serverSettings();
    sink.onLoop = false; // the caller's thread: everything it does becomes a task
    ClientStream s = conn.newStream(ConformanceService.ECHO, Metadata.EMPTY, null, streamListener);
    s.request(1);
    s.writeLastMessage("hi");
    assertThat(sink.tasks).as("tasks for the connection's thread").hasSize(1);
    sink.onLoop = true;
    sink.runTasks();
    assertThat(sink.frames)
        .extracting(f -> f.get(0))
        .containsExactly(FrameType.CALL_START, FrameType.MESSAGE);
  }

  @Test
  void messagesWrittenFromAnotherThreadBeforeTheStartGoInOrder() throws IOException {
    serverSettings();
    sink.onLoop = false;
    ClientStream s = conn.newStream(ConformanceService.ECHO, Metadata.EMPTY, null, streamListener);
    s.writeMessage("a");
    s.request(1);
    s.writeLastMessage("b");
    sink.onLoop = true;
    sink.runTasks();
    // the server's initial credit is one message: the first one written goes, the last one waits
    List<ByteBuffer> messages = sink.take(FrameType.MESSAGE);
    assertThat(messages).hasSize(1);
    assertThat(payload(messages.get(0))).isEqualTo(FrameConnectionTest.stringMessage("a"));
    assertThat(messages.get(0).get(1)).as("flags: not the last message").isZero();
  }

  /** The payload of a frame of stream 1 (a 3-byte header). */
  private static byte[] payload(ByteBuffer frame) {
    ByteBuffer p = frame.duplicate();
    p.position(3);
    byte[] bytes = new byte[p.remaining()];
    p.get(bytes);
    return bytes;
  }

  @Test
  void responseAndStatusCloseTheCall() throws IOException {
    serverSettings();
    ClientStream s = conn.newStream(ConformanceService.ECHO, Metadata.EMPTY, null, streamListener);
    s.request(1);
    s.writeLastMessage("hi");
    conn.onFrame(
        FrameConnectionTest.frame(
            FrameType.MESSAGE, 0, 1, FrameConnectionTest.stringMessage("back")));
    conn.onFrame(FrameConnectionTest.frame(FrameType.STATUS, 0, 1, new byte[0]));
    assertThat(events).containsExactly("ready", "message back", "close OK");
  }

  /** HEADERS announcing {@code grpc-encoding: gzip}. */
  private static ByteBuffer gzipHeaders(int id) throws IOException {
    java.io.ByteArrayOutputStream entry = new java.io.ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream e =
        com.google.protobuf.CodedOutputStream.newInstance(entry);
    e.writeString(1, "grpc-encoding");
    e.writeByteArray(2, "gzip".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    e.flush();
    java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream out =
        com.google.protobuf.CodedOutputStream.newInstance(payload);
    out.writeByteArray(Frames.METADATA_FIELD, entry.toByteArray());
    out.flush();
    return FrameConnectionTest.frame(FrameType.HEADERS, 0, 1, payload.toByteArray());
  }

  private static byte[] gzip(byte[] plain) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
      gz.write(plain);
    }
    return out.toByteArray();
  }

  @Test
  void aCompressedResponseIsInflated() throws IOException {
    serverSettings();
    ClientStream s = conn.newStream(ConformanceService.ECHO, Metadata.EMPTY, null, streamListener);
    s.request(1);
    s.writeLastMessage("hi");
    conn.onFrame(gzipHeaders(1));
    conn.onFrame(
        FrameConnectionTest.frame(
            FrameType.MESSAGE,
            FrameType.FLAG_COMPRESSED,
            1,
            gzip(FrameConnectionTest.stringMessage("zipped"))));
    conn.onFrame(FrameConnectionTest.frame(FrameType.STATUS, 0, 1, new byte[0]));
    assertThat(events).containsExactly("ready", "message zipped", "close OK");
  }

  @Test
  void aResponseInflatingPastTheLimitIsResourceExhaustedAndCancels() throws IOException {
    serverSettings();
    ClientStream s = conn.newStream(ConformanceService.ECHO, Metadata.EMPTY, null, streamListener);
    s.request(1);
    s.writeLastMessage("hi");
    sink.runTasks();
    sink.frames.clear();
    conn.onFrame(gzipHeaders(1));
    // 8 MiB of zeros in about 8 KiB, against the default 4 MiB limit
    conn.onFrame(
        FrameConnectionTest.frame(
            FrameType.MESSAGE, FrameType.FLAG_COMPRESSED, 1, gzip(new byte[8 << 20])));
    sink.runTasks();
    assertThat(events).hasSize(2);
    assertThat(events.get(1)).startsWith("close RESOURCE_EXHAUSTED");
    assertThat(events.get(1)).contains("inflates past the limit of " + (4 << 20));
    assertThat(sink.take(FrameType.CANCEL)).hasSize(1);
  }

  @Test
  void aCompressedResponseWithoutAnnouncedEncodingIsInternal() throws IOException {
    serverSettings();
    ClientStream s = conn.newStream(ConformanceService.ECHO, Metadata.EMPTY, null, streamListener);
    s.request(1);
    s.writeLastMessage("hi");
    conn.onFrame(
        FrameConnectionTest.frame(
            FrameType.MESSAGE,
            FrameType.FLAG_COMPRESSED,
            1,
            gzip(FrameConnectionTest.stringMessage("zipped"))));
    assertThat(events).hasSize(2);
    assertThat(events.get(1)).startsWith("close INTERNAL");
  }

  @Test
  void aMessageBeyondCreditIsAStreamErrorThatCancels() throws IOException {
    serverSettings();
    ClientStream s = conn.newStream(ConformanceService.ECHO, Metadata.EMPTY, null, streamListener);
    s.request(1);
    s.writeLastMessage("hi");
    sink.runTasks();
    sink.frames.clear();
    conn.onFrame(
        FrameConnectionTest.frame(FrameType.MESSAGE, 0, 1, FrameConnectionTest.stringMessage("a")));
    conn.onFrame(
        FrameConnectionTest.frame(FrameType.MESSAGE, 0, 1, FrameConnectionTest.stringMessage("b")));
    assertThat(events.get(events.size() - 1)).startsWith("close INTERNAL");
    assertThat(sink.take(FrameType.CANCEL)).hasSize(1);
    assertThat(sink.closed).isFalse();
  }

  @Test
  void goAwayFailsOnlyCallsTheServerNeverSaw() throws IOException {
    serverSettings();
    ClientStream first =
        conn.newStream(ConformanceService.ECHO, Metadata.EMPTY, null, streamListener);
    ClientStream second =
        conn.newStream(ConformanceService.ECHO, Metadata.EMPTY, null, streamListener);
    first.request(1);
    second.request(1);
    sink.runTasks();
    // GOAWAY last_stream_id = 1, code UNAVAILABLE
    conn.onFrame(
        FrameConnectionTest.frame(FrameType.GOAWAY, 0, 0, new byte[] {0x08, 0x01, 0x10, 0x0e}));
    assertThat(events)
        .anyMatch(e -> e.startsWith("close UNAVAILABLE") && e.contains("safe to retry"));
    assertThat(events).contains("shutdown UNAVAILABLE");
    ClientStream late =
        conn.newStream(ConformanceService.ECHO, Metadata.EMPTY, null, streamListener);
    late.request(1);
    assertThat(events.get(events.size() - 1)).contains("shutting down");
    assertThat(new ServiceVersion("a", 1, "x").sameSchemaAs(new ServiceVersion("a", 2, "x")))
        .isTrue();
  }
}
