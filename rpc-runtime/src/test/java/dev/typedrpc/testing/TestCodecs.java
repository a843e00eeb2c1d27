package dev.typedrpc.testing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.spi.InvalidJsonException;
import dev.typedrpc.spi.JsonCodec;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;
import java.util.Base64;

/**
 * Hand-written codecs for the conformance service: {@code message S { string value = 1; }} (with
 * its proto3 JSON), and {@code message B { bytes value = 1; }} (with its JSON).
 */
public final class TestCodecs {
  private TestCodecs() {}

  /**
   * The proto3 JSON of {@link #STRING}: {@code {"value": "..."}}, the field left out when empty.
   */
  public static final JsonCodec<String> STRING_JSON =
      new JsonCodec<>() {
        @Override
        public void write(String value, JsonGenerator out, int depth) throws IOException {
          out.writeStartObject();
          if (!value.isEmpty()) {
            out.writeStringField("value", value);
          }
          out.writeEndObject();
        }

        @Override
        public String read(JsonParser in, int depth) throws IOException {
          String value = "";
          while (in.nextToken() == JsonToken.FIELD_NAME) {
            String name = in.currentName();
            JsonToken token = in.nextToken();
            if (name.equals("value") && token == JsonToken.VALUE_STRING) {
              value = in.getText();
            } else if (name.equals("value") && token != JsonToken.VALUE_NULL) {
              throw new InvalidJsonException("value: expected a string, got " + in.getText());
            } else {
              in.skipChildren();
            }
          }
          return value;
        }
      };

  public static final MessageCodec<String> STRING =
      new MessageCodec<>() {
        @Override
        public JsonCodec<String> json() {
          return STRING_JSON;
        }

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

  /** The proto3 JSON of {@link #BYTES}: {@code {"value": "<base64>"}}, left out when empty. */
  public static final JsonCodec<byte[]> BYTES_JSON =
      new JsonCodec<>() {
        @Override
        public void write(byte[] value, JsonGenerator out, int depth) throws IOException {
          out.writeStartObject();
          if (value.length != 0) {
            out.writeStringField("value", Base64.getEncoder().encodeToString(value));
          }
          out.writeEndObject();
        }

        @Override
        public byte[] read(JsonParser in, int depth) throws IOException {
          byte[] value = new byte[0];
          while (in.nextToken() == JsonToken.FIELD_NAME) {
            String name = in.currentName();
            JsonToken token = in.nextToken();
            if (name.equals("value") && token == JsonToken.VALUE_STRING) {
              try {
                value = Base64.getDecoder().decode(in.getText());
              } catch (IllegalArgumentException e) {
                throw new InvalidJsonException("value: not base64: " + e.getMessage());
              }
            } else if (name.equals("value") && token != JsonToken.VALUE_NULL) {
              throw new InvalidJsonException("value: expected a string, got " + in.getText());
            } else {
              in.skipChildren();
            }
          }
          return value;
        }
      };

  /** {@link #STRING}'s binary form alone: a message without a JSON codec. */
  public static final MessageCodec<String> STRING_WITHOUT_JSON =
      new MessageCodec<>() {
        @Override
        public int encodedSize(String value) {
          return STRING.encodedSize(value);
        }

        @Override
        public void encode(String value, CodedOutputStream out) throws IOException {
          STRING.encode(value, out);
        }

        @Override
        public String decode(CodedInputStream in, int depth) throws IOException {
          return STRING.decode(in, depth);
        }
      };

  public static final MessageCodec<byte[]> BYTES =
      new MessageCodec<>() {
        @Override
        public JsonCodec<byte[]> json() {
          return BYTES_JSON;
        }

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
