package dev.typedrpc.spi.frame;

import static dev.typedrpc.spi.frame.FrameConnectionTest.callStart;
import static dev.typedrpc.spi.frame.FrameConnectionTest.frame;
import static dev.typedrpc.spi.frame.FrameConnectionTest.goAwayStatus;
import static dev.typedrpc.spi.frame.FrameConnectionTest.statusOf;
import static dev.typedrpc.spi.frame.FrameConnectionTest.stringMessage;
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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * BATCH frames: the server end of the engine packs the frames it writes before a flush into one
 * when the peer's SETTINGS say it reads them, never otherwise, and reads the ones it gets as the
 * frames they carry, with a precise connection error for every malformed one.
 */
@Timeout(10)
class BatchTest {
  private static final String ECHO = ConformanceService.ECHO.fullName();

  /** protocol_version = 1, field 7 (reads BATCH frames) = 1. */
  private static final byte[] SETTINGS_WITH_BATCHES = {0x08, 0x01, 0x38, 0x01};

  private final CapturingSink sink = new CapturingSink();

  /** A server end that has sent its SETTINGS, before the client's. */
  private FrameConnection opened() {
    FrameConnection conn =
        FrameConnection.server(
            sink,
            TransportSettings.DEFAULT,
            new ServerImpl(List.of(new ConformanceService().definition()), Runnable::run));
    conn.onOpen();
    return conn;
  }

  private FrameConnection server(byte[] clientSettings) {
    FrameConnection conn = opened();
    List<ByteBuffer> settings = sink.take(FrameType.SETTINGS);
    assertThat(settings).hasSize(1);
    assertThat(announcesBatches(settings.get(0))).isTrue();
    conn.onFrame(frame(FrameType.SETTINGS, 0, 0, clientSettings));
    return conn;
  }

  @Test
  void theResponsesOfACallGoOutAsOneBatch() throws IOException {
    FrameConnection conn = server(SETTINGS_WITH_BATCHES);
    conn.onFrame(callStart(1, ECHO, 1));
    conn.onFrame(frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, 1, stringMessage("hi")));
    sink.runTasks();

    assertThat(sink.frames).hasSize(1);
    List<ByteBuffer> inner = unpack(sink.frames.get(0));
    assertThat(inner)
        .extracting(f -> f.get(0))
        .containsExactly(FrameType.MESSAGE, FrameType.STATUS);
    assertThat(payloadString(inner.get(0))).isEqualTo("hi");
    assertThat(statusOf(inner.get(1)).isOk()).isTrue();
  }

  @Test
  void aPeerThatDoesNotAnnounceBatchesGetsEveryFrameAlone() throws IOException {
    FrameConnection conn = server(new byte[] {0x08, 0x01});
    conn.onFrame(callStart(1, ECHO, 1));
    conn.onFrame(frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, 1, stringMessage("hi")));
    sink.runTasks();

    assertThat(sink.frames)
        .extracting(f -> f.get(0))
        .containsExactly(FrameType.MESSAGE, FrameType.STATUS);
  }

  @Test
  void aLongStreamIsSplitIntoBatchesWithinThePeersFrameLimitInOrder() throws IOException {
    int count = 3000; // about 45 KB of frames: several batches
    FrameConnection conn = server(SETTINGS_WITH_BATCHES);
    conn.onFrame(callStart(1, ConformanceService.COUNT.fullName(), count));
    conn.onFrame(
        frame(
            FrameType.MESSAGE,
            FrameType.FLAG_END_STREAM,
            1,
            stringMessage(Integer.toString(count))));
    sink.runTasks();

    assertThat(sink.frames.size()).isGreaterThan(3);
    List<ByteBuffer> inner = new ArrayList<>();
    for (ByteBuffer f : sink.frames) {
      assertThat(f.remaining())
          .isLessThanOrEqualTo(FrameType.MIN_MAX_FRAME_SIZE + FrameType.BATCH_HEADER_SIZE);
      inner.addAll(unpack(f));
    }
    assertThat(inner).hasSize(count + 1);
    for (int i = 0; i < count; i++) {
      assertThat(payloadString(inner.get(i))).isEqualTo("item-" + i);
    }
    assertThat(statusOf(inner.get(count)).isOk()).isTrue();
  }

  @Test
  void theFramesOfABatchAreReadInOrder() throws IOException {
    FrameConnection conn = server(SETTINGS_WITH_BATCHES);
    conn.onFrame(
        batch(
            callStart(1, ECHO, 1),
            frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, 1, stringMessage("one")),
            callStart(3, ECHO, 1),
            frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, 3, stringMessage("three"))));
    List<ByteBuffer> inner = unpack(single());
    assertThat(inner)
        .extracting(f -> f.get(0))
        .containsExactly(FrameType.MESSAGE, FrameType.STATUS, FrameType.MESSAGE, FrameType.STATUS);
    assertThat(payloadString(inner.get(0))).isEqualTo("one");
    assertThat(payloadString(inner.get(2))).isEqualTo("three");
  }

  @Test
  void aStreamErrorInsideABatchEndsOnlyThatStream() throws IOException {
    FrameConnection conn = server(SETTINGS_WITH_BATCHES);
    conn.onFrame(
        batch(
            callStart(1, "no.Such/Method", 1),
            callStart(3, ECHO, 1),
            frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, 3, stringMessage("still here"))));
    List<ByteBuffer> inner = unpack(single());
    assertThat(statusOf(inner.get(0)).code()).isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThat(payloadString(inner.get(1))).isEqualTo("still here");
    assertThat(statusOf(inner.get(2)).isOk()).isTrue();
    assertThat(sink.closed).isFalse();
  }

  @Test
  void anEmptyBatchIsAConnectionError() {
    assertMalformed(frame(FrameType.BATCH, 0, 0, new byte[0]), "BATCH carries no frames");
  }

  @Test
  void aBatchOnAStreamIsAConnectionError() throws IOException {
    ByteBuffer ping = frame(FrameType.PING, 0, 0, new byte[8]);
    assertMalformed(frame(FrameType.BATCH, 0, 1, entries(ping)), "belongs on stream 0");
  }

  @Test
  void aBatchWithFlagsIsAConnectionError() throws IOException {
    ByteBuffer ping = frame(FrameType.PING, 0, 0, new byte[8]);
    assertMalformed(
        frame(FrameType.BATCH, FrameType.FLAG_END_STREAM, 0, entries(ping)), "has no flags");
  }

  @Test
  void aFrameOverrunningItsBatchIsAConnectionError() throws IOException {
    byte[] payload = entries(frame(FrameType.PING, 0, 0, new byte[8]));
    payload[0] = 20; // says 20 bytes, 11 follow
    assertMalformed(frame(FrameType.BATCH, 0, 0, payload), "overruns its BATCH by 9 bytes");
  }

  @Test
  void aTruncatedLengthIsAConnectionError() {
    assertMalformed(
        frame(FrameType.BATCH, 0, 0, new byte[] {(byte) 0x80}), "length of a batched frame");
  }

  @Test
  void aBatchInsideABatchIsAConnectionError() throws IOException {
    ByteBuffer inner = batch(frame(FrameType.PING, 0, 0, new byte[8]));
    assertMalformed(batch(inner), "BATCH inside a BATCH");
  }

  @Test
  void aMalformedFrameInsideABatchIsAConnectionError() throws IOException {
    assertMalformed(batch(frame((byte) 0x7f, 0, 0, new byte[0])), "unknown frame type");
  }

  @Test
  void anEmptyFrameInsideABatchIsAConnectionError() throws IOException {
    assertMalformed(batch(ByteBuffer.allocate(0)), "shorter than its header");
  }

  @Test
  void aBatchBeforeSettingsIsAConnectionError() throws IOException {
    FrameConnection conn = opened();
    sink.take(FrameType.SETTINGS);
    conn.onFrame(batch(frame(FrameType.SETTINGS, 0, 0, SETTINGS_WITH_BATCHES)));
    assertGoAway("BATCH before SETTINGS");
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private void assertMalformed(ByteBuffer batch, String descriptionPart) {
    FrameConnection conn = server(SETTINGS_WITH_BATCHES);
    conn.onFrame(batch);
    assertGoAway(descriptionPart);
  }

  private void assertGoAway(String descriptionPart) {
    List<ByteBuffer> goAways = sink.take(FrameType.GOAWAY);
    assertThat(goAways).hasSize(1);
    Status status = goAwayStatus(goAways.get(0));
    assertThat(status.code()).isEqualTo(Status.Code.INTERNAL);
    assertThat(status.description()).contains(descriptionPart);
    assertThat(sink.closed).isTrue();
  }

  /** The one frame written since the last look, after the flush task ran. */
  private ByteBuffer single() {
    sink.runTasks();
    assertThat(sink.frames).hasSize(1);
    return sink.frames.remove(0);
  }

  static ByteBuffer batch(ByteBuffer... frames) throws IOException {
    return frame(FrameType.BATCH, 0, 0, entries(frames));
  }

  private static byte[] entries(ByteBuffer... frames) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    for (ByteBuffer f : frames) {
      ByteBuffer copy = f.duplicate();
      out.writeUInt32NoTag(copy.remaining());
      out.writeRawBytes(copy);
    }
    out.flush();
    return bytes.toByteArray();
  }

  /** The frames a BATCH frame carries, each as its own buffer. */
  static List<ByteBuffer> unpack(ByteBuffer batch) throws IOException {
    ByteBuffer b = batch.duplicate();
    assertThat(b.get()).isEqualTo(FrameType.BATCH);
    assertThat(b.get()).isZero(); // flags
    assertThat(b.get()).isZero(); // stream 0
    CodedInputStream in = CodedInputStream.newInstance(b);
    List<ByteBuffer> frames = new ArrayList<>();
    while (!in.isAtEnd()) {
      frames.add(ByteBuffer.wrap(in.readByteArray()));
    }
    assertThat(frames).hasSizeGreaterThan(1); // a batch of one goes out as that frame alone
    return frames;
  }

  private static String payloadString(ByteBuffer messageFrame) throws IOException {
    ByteBuffer f = messageFrame.duplicate();
    assertThat(f.get()).isEqualTo(FrameType.MESSAGE);
    f.get(); // flags
    while (f.get() < 0) {
      // the stream id varint
    }
    CodedInputStream in = CodedInputStream.newInstance(f);
    in.readTag();
    return in.readString();
  }

  private static boolean announcesBatches(ByteBuffer settings) {
    try {
      ByteBuffer b = settings.duplicate();
      b.position(3);
      CodedInputStream in = CodedInputStream.newInstance(b);
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        if (tag >>> 3 == 7) {
          return in.readUInt32() == 1;
        }
        in.skipField(tag);
      }
      return false;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
