package dev.typedrpc.spi.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.spi.TransportSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scratch arrays small frames are encoded into are lent per thread: a connection holds one only
 * while a batch is open, connections on one thread reuse the same array, and two connections with
 * batches open at once, a batch sent from another thread, or a write made from inside the sink's
 * never see each other's bytes.
 */
@Timeout(30)
class ScratchPoolTest {
  /** protocol_version = 1, field 7 (reads BATCH frames) = 1. */
  private static final byte[] SETTINGS_WITH_BATCHES = {0x08, 0x01, 0x38, 0x01};

  private ExecutorService other;

  @BeforeEach
  void emptyThisThreadsSpares() {
    while (ScratchPool.spares() > 0) {
      ScratchPool.take();
    }
    other = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stop() throws InterruptedException {
    other.shutdownNow();
    assertThat(other.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
  }

  private static FrameBatcher batcher(CapturingSink sink, boolean batches) {
    Handshake handshake = new Handshake(TransportSettings.DEFAULT, false);
    if (batches) {
      try {
        handshake.readSettings(ByteBuffer.wrap(SETTINGS_WITH_BATCHES));
      } catch (ProtocolException e) {
        throw new AssertionError(e);
      }
    }
    return new FrameBatcher(sink, handshake);
  }

  /** Writes a MESSAGE frame on stream 1 whose payload is {@code text}. */
  private static void write(FrameBatcher b, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    b.write(FrameType.MESSAGE, 0, 1, bytes.length, out -> out.writeRawBytes(bytes));
  }

  private static String text(ByteBuffer frame) {
    ByteBuffer f = frame.duplicate();
    assertThat(f.get()).isEqualTo(FrameType.MESSAGE);
    f.get(); // flags
    assertThat(f.get()).isEqualTo((byte) 1); // stream 1
    byte[] bytes = new byte[f.remaining()];
    f.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The texts of the frames {@code sink} got, a BATCH as the frames it carries. */
  private static List<String> texts(CapturingSink sink) throws IOException {
    List<String> out = new ArrayList<>();
    for (ByteBuffer f : sink.frames) {
      if (f.get(0) == FrameType.BATCH) {
        for (ByteBuffer inner : BatchTest.unpack(f)) {
          out.add(text(inner));
        }
      } else {
        out.add(text(f));
      }
    }
    return out;
  }

  @Test
  void connectionsOnOneThreadShareOneArrayAndAnIdleOneHoldsNone() throws IOException {
    CapturingSink sinkA = new CapturingSink();
    CapturingSink sinkB = new CapturingSink();
    FrameBatcher a = batcher(sinkA, false);
    FrameBatcher b = batcher(sinkB, false);

    write(a, "a1");
    assertThat(ScratchPool.spares()).isEqualTo(1); // given back once copied out
    write(b, "b1");
    write(a, "a2");
    assertThat(ScratchPool.spares()).isEqualTo(1);

    assertThat(sinkA.copiedFrom.get(0))
        .isSameAs(sinkB.copiedFrom.get(0))
        .isSameAs(sinkA.copiedFrom.get(1));
    assertThat(texts(sinkA)).containsExactly("a1", "a2");
    assertThat(texts(sinkB)).containsExactly("b1");
  }

  @Test
  void twoConnectionsWithBatchesOpenOnOneThreadLoseNothing() throws IOException {
    CapturingSink sinkA = new CapturingSink();
    CapturingSink sinkB = new CapturingSink();
    FrameBatcher a = batcher(sinkA, true);
    FrameBatcher b = batcher(sinkB, true);

    write(a, "a1");
    write(b, "b1");
    write(a, "a2");
    write(b, "b2");
    assertThat(ScratchPool.spares()).isZero(); // both held until their batches go out
    a.sendBatch();
    write(b, "b3");
    write(a, "a3"); // a new batch, in the array a gave back
    b.sendBatch();
    a.sendBatch();

    assertThat(texts(sinkA)).containsExactly("a1", "a2", "a3");
    assertThat(texts(sinkB)).containsExactly("b1", "b2", "b3");
    assertThat(sinkA.frames).hasSize(2);
    assertThat(sinkB.frames).hasSize(1);
    assertThat(sinkA.copiedFrom.get(0)).isNotSameAs(sinkB.copiedFrom.get(0));
    assertThat(ScratchPool.spares()).isEqualTo(2);
  }

  @Test
  void aThreadKeepsABoundedNumberOfSpares() throws IOException {
    int n = ScratchPool.PER_THREAD + 3;
    List<CapturingSink> sinks = new ArrayList<>();
    List<FrameBatcher> batchers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CapturingSink sink = new CapturingSink();
      sinks.add(sink);
      batchers.add(batcher(sink, true));
      write(batchers.get(i), "x" + i);
      write(batchers.get(i), "y" + i);
    }
    for (FrameBatcher b : batchers) {
      b.sendBatch();
    }
    assertThat(ScratchPool.spares()).isEqualTo(ScratchPool.PER_THREAD);
    for (int i = 0; i < n; i++) {
      assertThat(texts(sinks.get(i))).containsExactly("x" + i, "y" + i);
    }
  }

  @Test
  void aBatchOpenedOnOneThreadAndSentFromAnotherIsIntactAndLeavesTheArrayThere() throws Exception {
    CapturingSink sinkA = new CapturingSink();
    CapturingSink sinkB = new CapturingSink();
    FrameBatcher a = batcher(sinkA, true);
    FrameBatcher b = batcher(sinkB, true);
    write(a, "a1");
    write(a, "a2");

    int sparesThere =
        other
            .submit(
                () -> {
                  write(b, "b1"); // the other thread's own array, while a's batch is open
                  a.sendBatch();
                  b.sendBatch();
                  return ScratchPool.spares();
                })
            .get(20, TimeUnit.SECONDS);

    assertThat(sparesThere).isEqualTo(2);
    assertThat(ScratchPool.spares()).isZero(); // a's array went back to the thread that sent it
    assertThat(texts(sinkA)).containsExactly("a1", "a2");
    assertThat(texts(sinkB)).containsExactly("b1");
  }

  @Test
  void writesMadeFromInsideTheSinksCopyKeepTheirOrderAndBytes() throws IOException {
    CapturingSink sinkA = new CapturingSink();
    CapturingSink sinkB = new CapturingSink();
    FrameBatcher a = batcher(sinkA, true);
    FrameBatcher b = batcher(sinkB, true);
    write(a, "a1");
    write(a, "a2");
    // While a's batch is copied out, a peer on the same thread answers at once and a writes again.
    sinkA.duringNextWrite =
        () -> {
          write(b, "b1");
          write(b, "b2");
          write(a, "a3");
          b.sendBatch();
        };
    a.sendBatch();
    write(a, "a4");
    a.sendBatch();

    assertThat(texts(sinkA)).containsExactly("a1", "a2", "a3", "a4");
    assertThat(texts(sinkB)).containsExactly("b1", "b2");
    assertThat(ScratchPool.spares()).isEqualTo(2);
  }

  @Test
  void aFrameThatFailsToEncodeGivesTheArrayBackAndTheNextOneGoesOut() throws IOException {
    CapturingSink sink = new CapturingSink();
    FrameBatcher a = batcher(sink, true);
    write(a, "a1");
    assertThatThrownBy(
            () ->
                a.write(
                    FrameType.MESSAGE,
                    0,
                    1,
                    4,
                    out -> {
                      throw new IOException("boom");
                    }))
        .isInstanceOf(IllegalStateException.class);
    assertThat(ScratchPool.spares()).isEqualTo(1);
    write(a, "a2");
    a.sendBatch();

    assertThat(texts(sink)).containsExactly("a1", "a2");
  }
}
