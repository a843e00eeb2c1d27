package dev.typedrpc.services.reflection;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;

/**
 * A message already encoded ({@code ServerReflectionResponse}s are written by {@link
 * ReflectionResponses}): its bytes pass through unchanged; decoding reads every field (re-encoded,
 * so a client can parse the bytes).
 */
final class RawMessage {
  static final MessageCodec<byte[]> CODEC =
      new MessageCodec<>() {
        @Override
        public int encodedSize(byte[] value) {
          return value.length;
        }

        @Override
        public void encode(byte[] value, CodedOutputStream out) throws IOException {
          out.writeRawBytes(value);
        }

        @Override
        public byte[] decode(CodedInputStream in, int depth) throws IOException {
          return UnknownFieldSet.newBuilder().mergeFrom(in).build().toByteArray();
        }
      };

  private RawMessage() {}
}
