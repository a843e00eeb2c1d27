package dev.typedrpc.spi.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.typedrpc.Status;
import dev.typedrpc.internal.ServerImpl;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.testing.ConformanceService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Feeds hand-made frames to the server end of the engine and checks each violation gets the precise
 * answer.
 */
@Timeout(10)
class FrameConnectionTest {
  private static final String ECHO = ConformanceService.ECHO.fullName();
  private final CapturingSink sink = new CapturingSink();
  private FrameConnection conn;

  @BeforeEach
  void open() {
    TransportSettings settings = TransportSettings.DEFAULT.withMaxMessageSize(1 << 20);
    conn =
        FrameConnection.server(
            sink,
            settings,
            new ServerImpl(List.of(new ConformanceService().definition()), Runnable::run));
    conn.onOpen();
    settingsFromServer = sink.take(FrameType.SETTINGS);
    assertThat(settingsFromServer).hasSize(1);
    conn.onFrame(frame(FrameType.SETTINGS, 0, 0, new byte[] {0x08, 0x01})); // protocol_version = 1
  }

  private List<ByteBuffer> settingsFromServer;

  @Test
  void serverAnnouncesItsServicesInSettings() throws IOException {
    ByteBuffer settings = settingsFromServer.get(0);
    settings.position(3);
    CodedInputStream in = CodedInputStream.newInstance(settings);
    List<String> names = new java.util.ArrayList<>();
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      if (tag >>> 3 == 6) {
        CodedInputStream service = CodedInputStream.newInstance(in.readByteArray());
        service.readTag();
        names.add(service.readString());
      } else {
        in.skipField(tag);
      }
    }
    assertThat(names).containsExactly(ConformanceService.NAME);
  }

  @Test
  void framesBeforeSettingsAreAConnectionError() throws IOException {
    CapturingSink fresh = new CapturingSink();
    FrameConnection other =
        FrameConnection.server(
            fresh,
            TransportSettings.DEFAULT,
            new ServerImpl(List.of(new ConformanceService().definition()), Runnable::run));
    other.onOpen();
    other.onFrame(callStart(1, ECHO, 1));
    List<ByteBuffer> goAways = fresh.take(FrameType.GOAWAY);
    assertThat(goAwayStatus(goAways.get(0)).description()).contains("SETTINGS must come first");
    assertThat(fresh.closed).isTrue();
  }

  @Test
  void settingsTwiceIsAConnectionError() {
    conn.onFrame(frame(FrameType.SETTINGS, 0, 0, new byte[0]));
    assertGoAway(Status.Code.INTERNAL, "SETTINGS sent twice");
  }

  @Test
  void echoCallWorks() throws IOException {
    conn.onFrame(callStart(1, ECHO, 1));
    conn.onFrame(frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, 1, stringMessage("hi")));
    List<ByteBuffer> messages = sink.take(FrameType.MESSAGE);
    assertThat(messages).hasSize(1);
    assertThat(statusOf(sink.take(FrameType.STATUS).get(0)).code()).isEqualTo(Status.Code.OK);
    assertThat(sink.closed).isFalse();
  }

  @Test
  void unknownFrameTypeIsAConnectionError() {
    conn.onFrame(frame((byte) 0x7f, 0, 0, new byte[0]));
    assertGoAway(Status.Code.INTERNAL, "unknown frame type");
  }

  @Test
  void truncatedFrameIsAConnectionError() {
    conn.onFrame(ByteBuffer.wrap(new byte[] {FrameType.MESSAGE}));
    assertGoAway(Status.Code.INTERNAL, "shorter than its header");
  }

  @Test
  void unknownFlagsAreAConnectionError() throws IOException {
    conn.onFrame(frame(FrameType.PING, 0x80, 0, new byte[8]));
    assertGoAway(Status.Code.INTERNAL, "unknown flags");
  }

  @Test
  void streamIdsMustIncrease() throws IOException {
    conn.onFrame(callStart(5, ECHO, 1));
    conn.onFrame(callStart(3, ECHO, 1));
    assertGoAway(Status.Code.INTERNAL, "ids must increase");
  }

  @Test
  void frameForAStreamNeverOpenedIsAConnectionError() throws IOException {
    conn.onFrame(frame(FrameType.MESSAGE, 0, 9, stringMessage("x")));
    assertGoAway(Status.Code.INTERNAL, "never opened");
  }

  @Test
  void oversizedFrameIsAConnectionError() {
    conn.onFrame(
        frame(FrameType.MESSAGE, 0, 1, new byte[TransportSettings.DEFAULT.maxFrameSize() + 100]));
    assertGoAway(Status.Code.INTERNAL, "exceeds max_frame_size");
  }

  @Test
  void malformedCallStartIsAConnectionError() {
    conn.onFrame(frame(FrameType.CALL_START, 0, 1, new byte[] {(byte) 0x0a, (byte) 0x7f}));
    assertGoAway(Status.Code.INTERNAL, "malformed CALL_START");
  }

  @Test
  void unknownMethodEndsOnlyThatStream() throws IOException {
    conn.onFrame(callStart(1, "no.Such/Method", 1));
    assertThat(statusOf(sink.take(FrameType.STATUS).get(0)))
        .isEqualTo(Status.UNIMPLEMENTED.withDescription("Method not found: no.Such/Method"));
    assertStillServing(3);
  }

  @Test
  void undecodableMessageIsInvalidArgumentForThatStream() throws IOException {
    conn.onFrame(callStart(1, ECHO, 1));
    // field 1 with wire type 7, which does not exist
    conn.onFrame(frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, 1, new byte[] {0x0f, 0x01}));
    Status status = statusOf(sink.take(FrameType.STATUS).get(0));
    assertThat(status.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.description()).contains("could not decode");
    assertStillServing(3);
  }

  @Test
  void secondMessageOnAUnaryCallIsAStreamError() throws IOException {
    conn.onFrame(callStart(1, ConformanceService.SLEEP.fullName(), 1));
    conn.onFrame(frame(FrameType.MESSAGE, 0, 1, stringMessage("a")));
    conn.onFrame(frame(FrameType.MESSAGE, 0, 1, stringMessage("b")));
    Status status = statusOf(sink.take(FrameType.STATUS).get(0));
    assertThat(status.code()).isEqualTo(Status.Code.INTERNAL);
    assertStillServing(3);
  }

  @Test
  void announcedOversizedMessageIsRefusedBeforeAllocation() throws IOException {
    conn.onFrame(callStart(1, ECHO, 1));
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(payload);
    out.writeUInt32NoTag(Integer.MAX_VALUE); // 2 GiB announced
    out.writeRawBytes(new byte[10]);
    out.flush();
    conn.onFrame(frame(FrameType.MESSAGE_START, 0, 1, payload.toByteArray()));
    Status status = statusOf(sink.take(FrameType.STATUS).get(0));
    assertThat(status.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    // the parts that follow are skipped without error
    conn.onFrame(frame(FrameType.MESSAGE_PART, 0, 1, new byte[100]));
    assertStillServing(3);
  }

  @Test
  void messagePartWithoutStartIsAStreamError() throws IOException {
    conn.onFrame(callStart(1, ECHO, 1));
    conn.onFrame(frame(FrameType.MESSAGE_PART, 0, 1, new byte[3]));
    assertThat(statusOf(sink.take(FrameType.STATUS).get(0)).code()).isEqualTo(Status.Code.INTERNAL);
    assertStillServing(3);
  }

  @Test
  void oversizedMetadataIsResourceExhausted() throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(payload);
    out.writeString(1, ECHO);
    for (int i = 0; i < 100; i++) {
      ByteArrayOutputStream entry = new ByteArrayOutputStream();
      CodedOutputStream e = CodedOutputStream.newInstance(entry);
      e.writeString(1, "k" + i);
      e.writeByteArray(2, new byte[200]);
      e.flush();
      out.writeByteArray(3, entry.toByteArray());
    }
    out.flush();
    conn.onFrame(frame(FrameType.CALL_START, 0, 1, payload.toByteArray()));
    assertThat(statusOf(sink.take(FrameType.STATUS).get(0)).code())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertStillServing(3);
  }

  @Test
  void pingIsAnsweredWithTheSameBytes() throws IOException {
    byte[] payload = "8 bytes!".getBytes(StandardCharsets.US_ASCII);
    conn.onFrame(frame(FrameType.PING, 0, 0, payload));
    ByteBuffer pong = sink.take(FrameType.PONG).get(0);
    pong.position(3);
    byte[] echoed = new byte[8];
    pong.get(echoed);
    assertThat(echoed).isEqualTo(payload);
  }

  @Test
  void cancelStopsTheCallAndLaterFramesAreIgnored() throws IOException {
    conn.onFrame(callStart(1, ConformanceService.SLEEP.fullName(), 1));
    conn.onFrame(frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, 1, stringMessage("x")));
    conn.onFrame(frame(FrameType.CANCEL, 0, 1, new byte[] {0x08, 0x01}));
    conn.onFrame(frame(FrameType.CREDIT, 0, 1, new byte[] {0x01}));
    assertThat(conn.openStreams()).isZero();
    assertStillServing(3);
  }

  @Test
  void aClientCancellingCallsFasterThanTheBoundLosesItsConnection() throws IOException {
    int limit = TransportSettings.DEFAULT.maxCancelsPerWindow();
    int id = 1;
    for (int i = 0; i < limit; i++, id += 2) {
      conn.onFrame(callStart(id, ConformanceService.SLEEP.fullName(), 1));
      conn.onFrame(frame(FrameType.CANCEL, 0, id, new byte[] {0x08, 0x01}));
    }
    assertThat(sink.take(FrameType.GOAWAY)).isEmpty(); // up to the bound: ordinary cancelling
    assertThat(sink.closed).isFalse();
    conn.onFrame(callStart(id, ConformanceService.SLEEP.fullName(), 1));
    conn.onFrame(frame(FrameType.CANCEL, 0, id, new byte[] {0x08, 0x01}));
    Status status = goAwayStatus(sink.take(FrameType.GOAWAY).get(0));
    assertThat(status.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.description())
        .isEqualTo("the client cancelled more than " + limit + " calls in 10 s");
    assertThat(sink.closed).isTrue();
  }

  private void assertStillServing(int nextId) throws IOException {
    sink.frames.clear();
    conn.onFrame(callStart(nextId, ECHO, 1));
    conn.onFrame(
        frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, nextId, stringMessage("again")));
    assertThat(sink.take(FrameType.MESSAGE)).hasSize(1);
    assertThat(statusOf(sink.take(FrameType.STATUS).get(0)).isOk()).isTrue();
    assertThat(sink.closed).isFalse();
  }

  private void assertGoAway(Status.Code code, String descriptionPart) {
    List<ByteBuffer> goAways = sink.take(FrameType.GOAWAY);
    assertThat(goAways).hasSize(1);
    Status status = goAwayStatus(goAways.get(0));
    assertThat(status.code()).isEqualTo(code);
    assertThat(status.description()).contains(descriptionPart);
    assertThat(sink.closed).isTrue();
  }

  @Test
  void callStartTimeoutInNanosSaturates() {
    // a peer may send any uint64 of microseconds; 2^62 times 1000 wraps to exactly 0 ns in 64 bits
    assertThat(new CallStart(ECHO, 1L << 62, null, 0, false).timeoutNanos())
        .isEqualTo(Long.MAX_VALUE);
    assertThat(new CallStart(ECHO, 1500, null, 0, false).timeoutNanos()).isEqualTo(1_500_000);
    assertThat(new CallStart(ECHO, Long.MAX_VALUE / 1000, null, 0, false).timeoutNanos())
        .isEqualTo(Long.MAX_VALUE / 1000 * 1000);
    assertThat(new CallStart(ECHO, Long.MAX_VALUE / 1000 + 1, null, 0, false).timeoutNanos())
        .isEqualTo(Long.MAX_VALUE);
    assertThat(new CallStart(ECHO, Long.MAX_VALUE, null, 0, false).timeoutNanos())
        .isEqualTo(Long.MAX_VALUE);
  }

  // ------------------------------------------------------------- frame building and parsing

  static ByteBuffer frame(byte type, int flags, int id, byte[] payload) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(type);
    bytes.write(flags);
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeUInt32NoTag(id);
      out.writeRawBytes(payload);
      out.flush();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return ByteBuffer.wrap(bytes.toByteArray());
  }

  static ByteBuffer callStart(int id, String method, int credit) throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(payload);
    out.writeString(1, method);
    out.writeUInt32(4, credit);
    out.flush();
    return frame(FrameType.CALL_START, 0, id, payload.toByteArray());
  }

  static byte[] stringMessage(String s) throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(payload);
    out.writeString(1, s);
    out.flush();
    return payload.toByteArray();
  }

  private static ByteBuffer payloadOf(ByteBuffer frame) {
    ByteBuffer f = frame.duplicate();
    f.position(2);
    while (f.get() < 0) {
      // skip the stream id varint
    }
    return f.slice();
  }

  static Status statusOf(ByteBuffer frame) {
    try {
      return StatusFrame.read(payloadOf(frame), 8192).status();
    } catch (ProtocolException e) {
      throw new AssertionError(e);
    }
  }

  static Status goAwayStatus(ByteBuffer frame) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(payloadOf(frame));
      int code = 0;
      String message = null;
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        switch (tag >>> 3) {
          case 2 -> code = in.readUInt32();
          case 3 -> message = in.readString();
          default -> in.skipField(tag);
        }
      }
      return Status.fromCode(code, message);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
