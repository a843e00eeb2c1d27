package dev.typedrpc.spi.frame;

import static dev.typedrpc.spi.frame.FrameConnectionTest.callStart;
import static dev.typedrpc.spi.frame.FrameConnectionTest.frame;
import static dev.typedrpc.spi.frame.FrameConnectionTest.statusOf;
import static dev.typedrpc.spi.frame.FrameConnectionTest.stringMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.CallKind;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.internal.ServerImpl;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.testing.ConformanceService;
import dev.typedrpc.testing.TestCodecs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * JSON messages on the frame protocol, frame by frame: SETTINGS field 9 on both ends, MESSAGE
 * payloads that are the message's proto3 JSON once both listed it, binary with a peer that did not,
 * and a precise status for a method whose messages have no JSON codec.
 */
@Timeout(10)
class JsonMessagesTest {
  private static final String ECHO = ConformanceService.ECHO.fullName();

  /** A method whose messages have no JSON codec. */
  private static final MethodDescriptor<String, String> RAW =
      MethodDescriptor.of(
          "typedrpc.testing.Raw",
          "Echo",
          CallKind.UNARY,
          TestCodecs.STRING_WITHOUT_JSON,
          TestCodecs.STRING_WITHOUT_JSON);

  private static final ServerServiceDefinition RAW_SERVICE =
      ServerServiceDefinition.builder(ServiceDescriptor.of("typedrpc.testing.Raw", 1, List.of(RAW)))
          .unary(RAW, s -> s)
          .build();

  private final CapturingSink sink = new CapturingSink();

  // ------------------------------------------------------------------ the server end

  private FrameConnection server(boolean clientListsJson) throws IOException {
    FrameConnection conn =
        FrameConnection.server(
            sink,
            TransportSettings.DEFAULT,
            new ServerImpl(
                List.of(new ConformanceService().definition(), RAW_SERVICE), Runnable::run));
    conn.onOpen();
    List<ByteBuffer> settings = sink.take(FrameType.SETTINGS);
    assertThat(settings).hasSize(1);
    assertThat(messageEncodings(settings.get(0)))
        .as("the server's SETTINGS")
        .containsExactly("json");
    conn.onFrame(frame(FrameType.SETTINGS, 0, 0, clientSettings(clientListsJson)));
    return conn;
  }

  private static byte[] clientSettings(boolean json) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeUInt32(1, 1);
    if (json) {
      out.writeString(9, "json");
    }
    out.flush();
    return bytes.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aClientThatListsJsonGetsReadableJsonMessages() throws IOException {
    FrameConnection conn = server(true);
    conn.onFrame(callStart(1, ECHO, 1));
    conn.onFrame(
        frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, 1, utf8("{\"value\":\"hi ☺\"}")));
    sink.runTasks();

    List<ByteBuffer> messages = sink.take(FrameType.MESSAGE);
    assertThat(messages).hasSize(1);
    assertThat(payloadText(messages.get(0))).isEqualTo("{\"value\":\"hi ☺\"}");
    assertThat(statusOf(sink.take(FrameType.STATUS).get(0)).isOk()).isTrue();
  }

  @Test
  void everyMessageOfAStreamIsJson() throws IOException {
    FrameConnection conn = server(true);
    conn.onFrame(callStart(1, ConformanceService.COUNT.fullName(), 10));
    conn.onFrame(frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, 1, utf8("{\"value\":\"3\"}")));
    sink.runTasks();

    List<String> texts = new ArrayList<>();
    for (ByteBuffer m : sink.take(FrameType.MESSAGE)) {
      texts.add(payloadText(m));
    }
    assertThat(texts)
        .containsExactly(
            "{\"value\":\"item-0\"}", "{\"value\":\"item-1\"}", "{\"value\":\"item-2\"}");
  }

  @Test
  void aClientThatDoesNotListJsonKeepsBinary() throws IOException {
    FrameConnection conn = server(false);
    conn.onFrame(callStart(1, ECHO, 1));
    conn.onFrame(frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, 1, stringMessage("hi")));
    sink.runTasks();

    List<ByteBuffer> messages = sink.take(FrameType.MESSAGE);
    assertThat(messages).hasSize(1);
    assertThat(payloadBytes(messages.get(0))).isEqualTo(stringMessage("hi"));
  }

  @Test
  void malformedJsonFailsTheCallNotTheConnection() throws IOException {
    FrameConnection conn = server(true);
    conn.onFrame(callStart(1, ECHO, 1));
    conn.onFrame(frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, 1, utf8("{\"value\":")));
    sink.runTasks();
    Status failed = statusOf(sink.take(FrameType.STATUS).get(0));
    assertThat(failed.code()).isNotEqualTo(Status.Code.OK);

    conn.onFrame(callStart(3, ECHO, 1));
    conn.onFrame(
        frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, 3, utf8("{\"value\":\"ok\"}")));
    sink.runTasks();
    assertThat(payloadText(sink.take(FrameType.MESSAGE).get(0))).isEqualTo("{\"value\":\"ok\"}");
  }

  @Test
  void aMethodWithoutJsonCodecsIsRefusedPrecisely() throws IOException {
    FrameConnection conn = server(true);
    conn.onFrame(callStart(1, RAW.fullName(), 1));
    sink.runTasks();

    Status status = statusOf(sink.take(FrameType.STATUS).get(0));
    assertThat(status.code()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(status.description()).contains("message-encoding=json", RAW.fullName(), "no JSON");
  }

  // ------------------------------------------------------------------ the client end

  private final List<String> events = new ArrayList<>();

  private final ClientStreamListener listener =
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
          events.add("close " + status.code() + " " + status.description());
        }
      };

  private FrameConnection client(boolean serverListsJson) throws IOException {
    FrameConnection conn =
        FrameConnection.client(
            sink,
            TransportSettings.DEFAULT,
            new ClientTransport.Listener() {
              @Override
              public void transportReady() {}

              @Override
              public void transportShutdown(Status reason) {}

              @Override
              public void transportTerminated() {}
            },
            true);
    conn.onOpen();
    List<ByteBuffer> settings = sink.take(FrameType.SETTINGS);
    assertThat(messageEncodings(settings.get(0)))
        .as("the client's SETTINGS")
        .containsExactly("json");
    conn.onFrame(frame(FrameType.SETTINGS, 0, 0, clientSettings(serverListsJson)));
    return conn;
  }

  private ClientStream echo(FrameConnection conn, String text) {
    ClientStream s = conn.newStream(ConformanceService.ECHO, Metadata.EMPTY, null, listener);
    s.request(1);
    s.writeLastMessage(text, ConformanceService.ECHO.requestCodec().encodedSize(text));
    sink.runTasks();
    return s;
  }

  @Test
  void aClientSendsAndReadsJsonWhenTheServerAgrees() throws IOException {
    FrameConnection conn = client(true);
    echo(conn, "hello");

    List<ByteBuffer> messages = sink.take(FrameType.MESSAGE);
    assertThat(messages).hasSize(1);
    assertThat(payloadText(messages.get(0)))
        .as("the stub's binary size is not used for the JSON")
        .isEqualTo("{\"value\":\"hello\"}");
    conn.onFrame(frame(FrameType.MESSAGE, 0, 1, utf8("{\"value\":\"back\"}")));
    assertThat(events).containsExactly("message back");
  }

  @Test
  void aServerThatDeclinesKeepsTheConnectionBinary() throws IOException {
    FrameConnection conn = client(false);
    echo(conn, "hello");

    List<ByteBuffer> messages = sink.take(FrameType.MESSAGE);
    assertThat(payloadBytes(messages.get(0))).isEqualTo(stringMessage("hello"));
    conn.onFrame(frame(FrameType.MESSAGE, 0, 1, stringMessage("back")));
    assertThat(events).containsExactly("message back");
  }

  @Test
  void aClientFailsAMethodWithoutJsonCodecsBeforeSendingIt() throws IOException {
    FrameConnection conn = client(true);
    ClientStream s = conn.newStream(RAW, Metadata.EMPTY, null, listener);
    s.request(1);
    s.writeLastMessage("x");
    sink.runTasks();

    assertThat(sink.take(FrameType.CALL_START)).isEmpty();
    assertThat(sink.take(FrameType.MESSAGE)).isEmpty();
    assertThat(events)
        .singleElement()
        .asString()
        .startsWith("close UNIMPLEMENTED this connection carries messages as JSON");
  }

  // ------------------------------------------------------------------ frames

  /** The strings of SETTINGS field 9 (message_encodings). */
  private static List<String> messageEncodings(ByteBuffer settingsFrame) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(payload(settingsFrame));
    List<String> encodings = new ArrayList<>();
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      if (WireFormat.getTagFieldNumber(tag) == 9) {
        encodings.add(in.readStringRequireUtf8());
      } else {
        in.skipField(tag);
      }
    }
    return encodings;
  }

  private static ByteBuffer payload(ByteBuffer frame) {
    ByteBuffer f = frame.duplicate();
    f.position(2);
    while (f.get() < 0) {
      // the stream id varint
    }
    return f.slice();
  }

  private static byte[] payloadBytes(ByteBuffer frame) {
    ByteBuffer p = payload(frame);
    byte[] bytes = new byte[p.remaining()];
    p.get(bytes);
    return bytes;
  }

  private static String payloadText(ByteBuffer frame) {
    return new String(payloadBytes(frame), StandardCharsets.UTF_8);
  }
}
