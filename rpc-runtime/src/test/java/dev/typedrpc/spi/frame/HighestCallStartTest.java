package dev.typedrpc.spi.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Which calls an encoded frame starts, for a transport that must know which calls it has sent (the
 * SSE client after a lost POST): a CALL_START's stream, and those inside a BATCH, whose calls
 * travel together when the peer reads batches.
 */
class HighestCallStartTest {

  @Test
  void aCallStartNamesItsStream() {
    assertThat(FrameConnection.highestCallStart(frame(FrameType.CALL_START, 300, 0x0a, 1, 'm')))
        .isEqualTo(300);
  }

  @Test
  void aBatchNamesTheLastCallItStarts() {
    ByteBuffer batch =
        batch(
            frame(FrameType.CALL_START, 5, 0x0a, 1, 'm'),
            frame(FrameType.MESSAGE, 5, 0x0a, 0),
            frame(FrameType.CALL_START, 7, 0x0a, 1, 'm'),
            frame(FrameType.CREDIT, 3, 0x08, 1));
    int before = batch.position();

    assertThat(FrameConnection.highestCallStart(batch)).isEqualTo(7);
    assertThat(batch.position()).isEqualTo(before);
  }

  @Test
  void otherFramesStartNoCall() {
    assertThat(FrameConnection.highestCallStart(frame(FrameType.MESSAGE, 5, 0x0a, 0)))
        .isEqualTo(-1);
    assertThat(
            FrameConnection.highestCallStart(batch(frame(FrameType.HALF_CLOSE, 5), frame(0x07, 5))))
        .isEqualTo(-1);
    assertThat(FrameConnection.highestCallStart(ByteBuffer.allocate(0))).isEqualTo(-1);
  }

  private static ByteBuffer frame(int type, int id, int... payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(type);
    out.write(0);
    varint(out, id);
    for (int b : payload) {
      out.write(b);
    }
    return ByteBuffer.wrap(out.toByteArray());
  }

  private static ByteBuffer batch(ByteBuffer... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(FrameType.BATCH);
    out.write(0);
    out.write(0);
    for (ByteBuffer f : frames) {
      varint(out, f.remaining());
      out.write(f.array(), 0, f.remaining());
    }
    ByteBuffer framed = ByteBuffer.allocate(2 + out.size());
    framed.position(2); // inside a larger buffer, as the sink's queue holds it
    framed.put(out.toByteArray()).flip().position(2);
    return framed;
  }

  private static void varint(ByteArrayOutputStream out, int v) {
    while ((v & ~0x7f) != 0) {
      out.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }
}
