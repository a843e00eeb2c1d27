package dev.typedrpc.testing;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;

/**
 * Hand-written codecs for the conformance service: {@code message S { string value = 1; }}, and
 * bytes.
 */
public final class TestCodecs {
  private TestCodecs() {}

  public static final MessageCodec<String> STRING =
      new MessageCodec<>() {
        @Override
        public int encodedSize(String value) {
          return value.isEmpty() ? 0 : CodedOutputStream.computeStringSize(1, value);
        }

        @Override
        public void encode(String value, CodedOutputStream out) throws IOException {
          if (!value.isEmpty()) {
            out.writeString(1, value);
          }
        }

        @Override
        public String decode(CodedInputStream in, int depth) throws IOException {
          String value = "";
          while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (tag == (1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
              value = in.readStringRequireUtf8();
            } else {
              in.skipField(tag);
            }
          }
          return value;
        }
      };

  public static final MessageCodec<byte[]> BYTES =
      new MessageCodec<>() {
        @Override
        public int encodedSize(byte[] value) {
          return value.length == 0 ? 0 : CodedOutputStream.computeByteArraySize(1, value);
        }

        @Override
        public void encode(byte[] value, CodedOutputStream out) throws IOException {
          if (value.length != 0) {
            out.writeByteArray(1, value);
          }
        }

        @Override
        public byte[] decode(CodedInputStream in, int depth) throws IOException {
          byte[] value = new byte[0];
          while (!in.isAtEnd()) {
            int tag = in.readTag();
            if (tag == (1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
              value = in.readByteArray();
            } else {
              in.skipField(tag);
            }
          }
          return value;
        }
      };
}
