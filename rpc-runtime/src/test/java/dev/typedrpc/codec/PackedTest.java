package dev.typedrpc.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PackedTest {
  private static byte[] write(IoWriter w, int size) throws IOException {
    byte[] bytes = new byte[size];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    w.write(out);
    out.checkNoSpaceLeft();
    return bytes;
  }

  interface IoWriter {
    void write(CodedOutputStream out) throws IOException;
  }

  @Test
  void int32MatchesProtobufPackedEncoding() throws IOException {
    List<Integer> values = List.of(3, 270, 86942, -1);
    int size = Packed.fieldSize(4, Packed.int32DataSize(values, "T.f"));
    byte[] bytes = write(out -> Packed.writeInt32(out, 4, values, "T.f"), size);
    // the protobuf encoding guide's packed example (3, 270, 86942), plus -1 as ten bytes
    assertThat(bytes)
        .containsExactly(
            0x22, 0x10, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0x01);
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    in.readTag();
    List<Integer> read = new ArrayList<>();
    Packed.readInt32(in, read);
    assertThat(read).isEqualTo(values);
  }

  @Test
  void emptyListsWriteNothing() throws IOException {
    assertThat(Packed.fieldSize(1, Packed.int64DataSize(List.of(), "T.f"))).isZero();
    assertThat(write(out -> Packed.writeInt64(out, 1, List.of(), "T.f"), 0)).isEmpty();
    assertThat(write(out -> Packed.writeBool(out, 1, List.of(), "T.f"), 0)).isEmpty();
    assertThat(write(out -> Packed.writeFloat(out, 1, List.of(), "T.f"), 0)).isEmpty();
    assertThat(write(out -> Packed.writeDouble(out, 1, List.of(), "T.f"), 0)).isEmpty();
  }

  @Test
  void everyScalarRoundTrips() throws IOException {
    List<Long> longs = List.of(Long.MIN_VALUE, 0L, 1L << 40);
    List<Boolean> bools = List.of(true, false);
    List<Float> floats = List.of(1.5f, -0f);
    List<Double> doubles = List.of(Math.PI);
    int size =
        Packed.fieldSize(1, Packed.int64DataSize(longs, "T.f"))
            + Packed.fieldSize(2, bools.size())
            + Packed.fieldSize(3, floats.size() * 4)
            + Packed.fieldSize(4, doubles.size() * 8);
    byte[] bytes =
        write(
            out -> {
              Packed.writeInt64(out, 1, longs, "T.f");
              Packed.writeBool(out, 2, bools, "T.f");
              Packed.writeFloat(out, 3, floats, "T.f");
              Packed.writeDouble(out, 4, doubles, "T.f");
            },
            size);
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    List<Long> l = new ArrayList<>();
    List<Boolean> b = new ArrayList<>();
    List<Float> f = new ArrayList<>();
    List<Double> d = new ArrayList<>();
    in.readTag();
    Packed.readInt64(in, l);
    in.readTag();
    Packed.readBool(in, b);
    in.readTag();
    Packed.readFloat(in, f);
    in.readTag();
    Packed.readDouble(in, d);
    assertThat(in.isAtEnd()).isTrue();
    assertThat(l).isEqualTo(longs);
    assertThat(b).isEqualTo(bools);
    assertThat(f).isEqualTo(floats);
    assertThat(d).isEqualTo(doubles);
  }

  @Test
  void nullElementsNameTheField() {
    List<Integer> ints = Arrays.asList(1, null);
    List<Double> doubles = Arrays.asList(1.0, null);
    assertThatThrownBy(() -> Packed.int32DataSize(ints, "Post.numbers element"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("Post.numbers element is null; a list cannot hold null");
    assertThatThrownBy(
            () -> write(out -> Packed.writeDouble(out, 1, doubles, "Post.w element"), 99))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("Post.w element is null; a list cannot hold null");
  }
}
