package dev.typedrpc.spi.frame;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.typedrpc.spi.JsonCodec;
import dev.typedrpc.spi.MessageCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The frame payload of a message as its proto3 JSON in UTF-8, for a stream on a connection that
 * negotiated JSON ({@link MessageEncoding}). One per stream direction, used only on the
 * connection's executor: the JSON {@link #encodedSize} makes is kept for the {@link #encode} that
 * follows it.
 */
final class JsonFrameCodec<T> implements MessageCodec<T> {
  private final JsonCodec<T> json;

  /** The value last sized, and its JSON: the writer sizes a message, then encodes it. */
  private T sizedValue;

  private byte[] sizedJson;

  private JsonFrameCodec(JsonCodec<T> json) {
    this.json = json;
  }

  /**
   * The JSON form of {@code codec}.
   *
   * @throws UnsupportedOperationException if the message has no JSON codec
   */
  static <T> JsonFrameCodec<T> of(MessageCodec<T> codec) {
    return new JsonFrameCodec<>(codec.json());
  }

  @Override
  public int encodedSize(T value) {
    sizedJson = json.toJsonBytes(value);
    sizedValue = value;
    return sizedJson.length;
  }

  @Override
  public void encode(T value, CodedOutputStream out) throws IOException {
    byte[] bytes = sizedJson != null && sizedValue == value ? sizedJson : json.toJsonBytes(value);
    sizedJson = null;
    sizedValue = null;
    out.writeRawBytes(bytes);
  }

  @Override
  public T decode(CodedInputStream in, int depth) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    while (!in.isAtEnd()) {
      bytes.write(in.readRawByte());
    }
    return json.fromJson(bytes.toByteArray());
  }

  @Override
  public JsonCodec<T> json() {
    return json;
  }
}
