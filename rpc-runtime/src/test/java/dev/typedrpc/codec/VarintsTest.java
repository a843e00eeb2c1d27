package dev.typedrpc.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class VarintsTest {
  interface IoWriter {
    void write(CodedOutputStream out) throws IOException;
  }

  /** Writes through an OutputStream-backed stream, so sizes need not be known up front. */
  private static byte[] write(IoWriter w) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    w.write(out);
    out.flush();
    return bytes.toByteArray();
  }

  private static long[] edges() {
    long[] values = new long[64 * 3 + 4];
    int i = 0;
    for (int bit = 0; bit < 64; bit++) {
      values[i++] = 1L << bit;
      values[i++] = (1L << bit) - 1;
      values[i++] = -(1L << bit);
    }
    values[i++] = Long.MAX_VALUE;
    values[i++] = Long.MIN_VALUE;
    values[i++] = 1_764_000_000_123L;
    values[i] = -1;
    return values;
  }

  @Test
  void int64MatchesProtobufAtEveryBitLength() throws IOException {
    for (long value : edges()) {
      assertThat(write(out -> Varints.writeInt64(out, 2, value)))
          .as("%d", value)
          .isEqualTo(write(out -> out.writeInt64(2, value)));
      assertThat(write(out -> Varints.writeInt64NoTag(out, value)))
          .as("%d", value)
          .isEqualTo(write(out -> out.writeInt64NoTag(value)));
    }
  }

  @Test
  void int32MatchesProtobufIncludingNegatives() throws IOException {
    for (long edge : edges()) {
      int value = (int) edge;
      assertThat(write(out -> Varints.writeInt32(out, 1, value)))
          .as("%d", value)
          .isEqualTo(write(out -> out.writeInt32(1, value)));
    }
    assertThat(write(out -> Varints.writeInt32NoTag(out, -1))).hasSize(10);
  }

  @Test
  void writesIntoAnExactlySizedArray() throws IOException {
    long value = Long.MIN_VALUE;
    byte[] bytes = new byte[CodedOutputStream.computeInt64Size(3, value)];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    Varints.writeInt64(out, 3, value);
    out.checkNoSpaceLeft();
    assertThat(bytes).isEqualTo(write(o -> o.writeInt64(3, value)));
  }
}
