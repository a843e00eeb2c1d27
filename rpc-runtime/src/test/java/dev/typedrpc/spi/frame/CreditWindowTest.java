package dev.typedrpc.spi.frame;

import static dev.typedrpc.spi.frame.FrameConnectionTest.frame;
import static dev.typedrpc.spi.frame.FrameConnectionTest.stringMessage;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.testing.ConformanceService;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How a client grants credit for a server stream, against a server played by hand-made frames: a
 * window of small messages is large and refilled half at a time, large messages shrink it to about
 * {@link (64 * 1024)}, and a reader that asks one at a time still gets credit in batches without
 * ever leaving the server without any.
 */
@Timeout(10)
class CreditWindowTest {
  private final CapturingSink sink = new CapturingSink();
  private final List<Integer> credits = new ArrayList<>();
  private FrameConnection conn;
  private ClientStream stream;
  private int received;

  /** Each message it receives asks for {@code perMessage} more (0: none). */
  private ClientStream open(TransportSettings settings, int initialRequest, int perMessage)
      throws IOException, ProtocolException {
    conn = FrameConnection.client(sink, settings, new NoTransportEvents());
    conn.onOpen();
    sink.take(FrameType.SETTINGS);
    conn.onFrame(frame(FrameType.SETTINGS, 0, 0, serverSettings()));
    stream =
        conn.newStream(
            ConformanceService.COUNT,
            Metadata.EMPTY,
            null,
            new ClientStreamListener() {
              @Override
              public void onHeaders(Metadata headers) {}

              @Override
              public void onMessage(Object message) {
                received++;
                if (perMessage > 0) {
                  stream.request(perMessage);
                }
              }

              @Override
              public void onReady() {}

              @Override
              public void onClose(Status status, Metadata trailers) {}
            });
    stream.request(initialRequest);
    stream.writeLastMessage("go");
    credits.add(initialCredit(sink.take(FrameType.CALL_START).get(0)));
    return stream;
  }

  @Test
  void smallMessagesGetTheWholeWindowRefilledHalfAtATime() throws IOException, ProtocolException {
    open(TransportSettings.DEFAULT, Integer.MAX_VALUE, 0);
    int window = TransportSettings.DEFAULT.maxBufferedMessages();
    // a window of 64 small messages made the server wait for CREDIT every 32 (a quarter of the
    // throughput)
    assertThat(window).isGreaterThanOrEqualTo(1024);
    assertThat(credits).containsExactly(window);
    long outstanding = window;
    for (int i = 0; i < 4 * window; i++) {
      conn.onFrame(frame(FrameType.MESSAGE, 0, 1, stringMessage("x")));
      outstanding--;
      for (int c : newCredits()) {
        outstanding += c;
      }
      assertThat(outstanding).isBetween(0L, (long) window);
    }
    // one CREDIT frame per half window, not one per few messages
    assertThat(credits.subList(1, credits.size())).hasSize(8).containsOnly(window / 2);
  }

  @Test
  void largeMessagesShrinkTheWindowToItsBytes() throws IOException, ProtocolException {
    open(TransportSettings.DEFAULT.withMaxBufferedMessages(64), Integer.MAX_VALUE, 0);
    byte[] large = stringMessage("x".repeat(16 * 1024));
    int window = FrameStream.WINDOW_BYTES / large.length; // 3
    long outstanding = credits.get(0); // granted before any message was seen
    int sent = 0;
    while (sent < 200) {
      assertThat(outstanding).as("the server is never left without credit").isPositive();
      conn.onFrame(frame(FrameType.MESSAGE, 0, 1, large));
      sent++;
      outstanding--;
      for (int c : newCredits()) {
        outstanding += c;
        assertThat(outstanding).isLessThanOrEqualTo(window);
      }
    }
    assertThat(received).isEqualTo(sent);
    assertThat(credits.subList(1, credits.size())).allMatch(c -> c <= window);
  }

  @Test
  void aReaderAskingOneAtATimeGetsCreditInBatchesAndNeverRunsDry()
      throws IOException, ProtocolException {
    open(TransportSettings.DEFAULT, 16, 1);
    assertThat(credits).containsExactly(16);
    long outstanding = 16;
    for (int i = 0; i < 160; i++) {
      assertThat(outstanding).as("the server is never left without credit").isPositive();
      conn.onFrame(frame(FrameType.MESSAGE, 0, 1, stringMessage("x")));
      outstanding--;
      for (int c : newCredits()) {
        outstanding += c;
      }
    }
    assertThat(received).isEqualTo(160);
    // half a window (8) per CREDIT frame, not one per message
    assertThat(credits.subList(1, credits.size())).hasSize(20).containsOnly(8);
  }

  private List<Integer> newCredits() throws ProtocolException {
    List<Integer> fresh = new ArrayList<>();
    for (ByteBuffer f : sink.take(FrameType.CREDIT)) {
      f.position(2);
      assertThat(FrameReader.readVarint32(f, "id")).isEqualTo(1);
      fresh.add(FrameReader.readVarint32(f, "credit"));
    }
    credits.addAll(fresh);
    return fresh;
  }

  /** CALL_START field 4, the response credit it announces. */
  private static int initialCredit(ByteBuffer callStart) throws IOException {
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
    return credit;
  }

  /** SETTINGS: protocol_version 1 and the conformance service, version 1. */
  private static byte[] serverSettings() throws IOException {
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream i =
        com.google.protobuf.CodedOutputStream.newInstance(info);
    i.writeString(1, ConformanceService.NAME);
    i.writeUInt32(2, 1);
    i.flush();
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream out =
        com.google.protobuf.CodedOutputStream.newInstance(payload);
    out.writeUInt32(1, 1);
    out.writeByteArray(6, info.toByteArray());
    out.flush();
    return payload.toByteArray();
  }

  private static final class NoTransportEvents implements ClientTransport.Listener {
    @Override
    public void transportReady() {}

    @Override
    public void transportShutdown(Status reason) {}

    @Override
    public void transportTerminated() {}
  }
}
