package dev.typedrpc.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class MessagesTest {
  /** {@code message Counter { int32 n = 1; }} as a tiny hand-written codec. */
  static final MessageCodec<Integer> COUNTER =
      new MessageCodec<>() {
        @Override
        public int encodedSize(Integer value) {
          return value == 0 ? 0 : CodedOutputStream.computeInt32Size(1, value);
        }

        @Override
        public void encode(Integer value, CodedOutputStream out) throws IOException {
          if (value != 0) {
            out.writeInt32(1, value);
          }
        }

        @Override
        public Integer decode(CodedInputStream in, int depth) throws IOException {
          int n = 0;
          for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == 8) {
              n = in.readInt32();
            } else if (!in.skipField(tag)) {
              break;
            }
          }
          return n;
        }
      };

  @Test
  void sizeOfFailsPastTheDecodersDepth() {
    assertThat(Messages.sizeOf(3, COUNTER, 5, MessageCodec.MAX_DEPTH - 1))
        .isEqualTo(Messages.sizeOf(3, COUNTER, 5));
    assertThatThrownBy(() -> Messages.sizeOf(3, COUNTER, 5, MessageCodec.MAX_DEPTH))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot encode Integer: messages nest more than 100 levels deep");
  }

  @Test
  void checkNotNullNamesTheField() {
    assertThat(Messages.checkNotNull("x", "Post.text")).isEqualTo("x");
    assertThatThrownBy(() -> Messages.checkNotNull(null, "Post.text"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("Post.text is null; declare it @Nullable or Optional to make it optional");
  }

  @Test
  void nestedMessageWriteAndRead() throws IOException {
    byte[] bytes = new byte[Messages.sizeOf(3, COUNTER, 150)];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    Messages.write(out, 3, COUNTER, 150);
    out.checkNoSpaceLeft();
    assertThat(bytes).containsExactly(0x1a, 0x03, 0x08, 0x96, 0x01);

    CodedInputStream in = CodedInputStream.newInstance(bytes);
    assertThat(in.readTag()).isEqualTo(0x1a);
    assertThat(Messages.read(in, COUNTER, 0)).isEqualTo(150);
    assertThat(in.isAtEnd()).isTrue();
  }

  @Test
  void readRejectsTooDeepNesting() {
    byte[] bytes = {0x1a, 0x00};
    assertThatThrownBy(
            () -> {
              CodedInputStream in = CodedInputStream.newInstance(bytes);
              in.readTag();
              Messages.read(in, COUNTER, MessageCodec.MAX_DEPTH);
            })
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("nesting");
  }

  @Test
  void readRejectsLengthBeyondInput() {
    byte[] bytes = {0x1a, 0x7f, 0x08};
    assertThatThrownBy(
            () -> {
              CodedInputStream in = CodedInputStream.newInstance(bytes);
              in.readTag();
              Messages.read(in, COUNTER, 0);
            })
        .isInstanceOf(InvalidProtocolBufferException.class);
  }

  @Test
  void emptyCodecMatchesProtobufEmptyAndSkipsFields() throws IOException {
    assertThat(EmptyCodec.INSTANCE.toByteArray(null))
        .isEqualTo(Empty.getDefaultInstance().toByteArray());
    assertThat(EmptyCodec.INSTANCE.parseFrom(new byte[] {0x08, 0x01, 0x12, 0x01, 0x41})).isNull();
  }

  @Test
  void noCaseSetNamesTheMessage() {
    assertThat(Messages.noCaseSet("Shape")).hasMessageContaining("Shape");
  }

  @Test
  void unknownCaseIsToldApartFromAbsentCase() {
    int lengthDelimited = 7 << 3 | 2;
    int varint = 8 << 3;
    int skipped = Messages.skippedCase(lengthDelimited, 0);
    assertThat(Messages.skippedCase(varint, skipped)).isEqualTo(lengthDelimited);
    assertThat(Messages.noCaseSet("Shape", skipped))
        .hasMessageContaining("Message Shape has oneof case 7, unknown to this version");
    assertThat(Messages.noCaseSet("Shape", Messages.skippedCase(varint, 0)))
        .hasMessageContaining("Message Shape has no case of its oneof set");
  }

  @Test
  void unrecognizedEnumConstantCannotBeEncoded() {
    assertThatThrownBy(() -> Messages.unrecognizedNumber("Color"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("@Unrecognized constant of enum Color");
  }

  interface IoWriter {
    void write(CodedOutputStream out) throws IOException;
  }

  /** Writes into an array of exactly {@code size} bytes, as codecs do. */
  private static byte[] write(int size, IoWriter w) throws IOException {
    byte[] bytes = new byte[size];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    w.write(out);
    out.checkNoSpaceLeft();
    return bytes;
  }

  private static final String[] STRINGS = {
    "",
    "a",
    "Ana Müller",
    "latency ☺",
    "emoji \uD83D\uDE00 pair",
    "unpaired \uD800 high",
    "unpaired \uDC00 low",
    "x".repeat(200) + "é"
  };

  @Test
  void writeStringMatchesProtobufWithinTheSizeProtobufComputes() throws IOException {
    for (String s : STRINGS) {
      int size = CodedOutputStream.computeStringSize(3, s);
      assertThat(write(size, out -> Messages.writeString(out, 3, s)))
          .as(s)
          .isEqualTo(write(size, out -> out.writeString(3, s)));
    }
  }

  @Test
  void writeStringEntryMatchesAnEntryWrittenFieldByField() throws IOException {
    for (String key : STRINGS) {
      for (String value : new String[] {"", "de-DE", "☺", "\uDBFF"}) {
        int entry =
            CodedOutputStream.computeStringSize(1, key)
                + CodedOutputStream.computeStringSize(2, value);
        int size = Messages.lengthDelimitedSize(7, entry);
        assertThat(write(size, out -> Messages.writeStringEntry(out, 7, key, value)))
            .as("%s=%s", key, value)
            .isEqualTo(
                write(
                    size,
                    out -> {
                      out.writeTag(7, 2);
                      out.writeUInt32NoTag(entry);
                      out.writeString(1, key);
                      out.writeString(2, value);
                    }));
      }
    }
  }

  @Test
  void aStringMapIsSizedAndWrittenAsItsEntriesInIterationOrder() throws IOException {
    java.util.Map<String, String> map = new java.util.LinkedHashMap<>();
    map.put("client", "web/2.31.0");
    map.put("locale ☺", "");
    map.put("", "\uD800 unpaired");
    int size = Messages.stringMapSize(7, map, "Chat.attributes");
    byte[] expected =
        write(
            size,
            out -> {
              for (var e : map.entrySet()) {
                out.writeTag(7, 2);
                out.writeUInt32NoTag(
                    CodedOutputStream.computeStringSize(1, e.getKey())
                        + CodedOutputStream.computeStringSize(2, e.getValue()));
                out.writeString(1, e.getKey());
                out.writeString(2, e.getValue());
              }
            });
    assertThat(write(size, out -> Messages.writeStringMap(out, 7, map, "Chat.attributes")))
        .isEqualTo(expected);
    assertThat(Messages.stringMapSize(7, java.util.Map.of(), "Chat.attributes")).isZero();
  }

  @Test
  void aNullKeyOrValueInAStringMapNamesTheField() {
    java.util.Map<String, String> nullValue = new java.util.HashMap<>();
    nullValue.put("a", null);
    java.util.Map<String, String> nullKey = new java.util.HashMap<>();
    nullKey.put(null, "b");
    assertThatThrownBy(() -> Messages.stringMapSize(7, nullValue, "Chat.attributes"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("Chat.attributes value is null; a map cannot hold null keys or values");
    assertThatThrownBy(() -> Messages.stringMapSize(7, nullKey, "Chat.attributes"))
        .hasMessage("Chat.attributes key is null; a map cannot hold null keys or values");
    CodedOutputStream out = CodedOutputStream.newInstance(new byte[64]);
    assertThatThrownBy(() -> Messages.writeStringMap(out, 7, nullValue, "Chat.attributes"))
        .hasMessage("Chat.attributes value is null; a map cannot hold null keys or values");
    assertThatThrownBy(() -> Messages.writeStringMap(out, 7, nullKey, "Chat.attributes"))
        .hasMessage("Chat.attributes key is null; a map cannot hold null keys or values");
  }
}
