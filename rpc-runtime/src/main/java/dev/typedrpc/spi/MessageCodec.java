package dev.typedrpc.spi;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;

/**
 * Writes and reads one message type in the Protocol Buffers wire format.
 *
 * <p>The annotation processor generates an implementation per record, enum-wrapper, sealed
 * interface and synthesized request/response message; none uses reflection. Implementations are
 * stateless and thread-safe.
 *
 * <p>Decoding is defensive: malformed input throws {@link IOException} (usually {@code
 * InvalidProtocolBufferException}) or an unchecked exception from a record's constructor, never
 * loops or allocates beyond the input's size; nesting deeper than {@link #MAX_DEPTH} is rejected.
 * Unknown fields are skipped.
 *
 * @param <T> the Java type of the message
 */
public interface MessageCodec<T> {
  /**
   * Deepest nesting of messages that {@link #decode} accepts, as in protobuf-java, and that
   * generated codecs encode.
   */
  int MAX_DEPTH = 100;

  /**
   * The number of bytes {@link #encode} writes for {@code value} (without any length prefix). Every
   * encode is preceded by this size pass, which fails on what cannot be written: a null where the
   * schema has no absent value ({@link NullPointerException} naming the field), or nesting deeper
   * than {@link #MAX_DEPTH} (an {@link IllegalArgumentException}: usually a cycle, such as a list
   * that contains the record holding it).
   */
  int encodedSize(T value);

  /**
   * {@link #encodedSize(Object)} of a message nested {@code depth} levels deep (0 at the top
   * level); generated codecs size their nested messages at {@code depth + 1} and fail past {@link
   * #MAX_DEPTH}.
   */
  default int encodedSize(T value, int depth) {
    return encodedSize(value);
  }

  /**
   * Writes the fields of {@code value} (exactly {@link #encodedSize} bytes, no length prefix).
   * Throws {@link NullPointerException} naming the field if a required field is null.
   */
  void encode(T value, CodedOutputStream out) throws IOException;

  /**
   * Reads one message from {@code in} up to its current limit (or its end).
   *
   * @param depth nesting depth of this message: 0 at the top level; nested messages are read at
   *     depth + 1
   */
  T decode(CodedInputStream in, int depth) throws IOException;

  /**
   * The proto3 JSON codec of the same message: generated codecs return their JSON counterpart, so a
   * transport finds a method's JSON codec through its descriptor ({@code
   * ChatServiceRpc.POST.requestCodec().json()}) without reflection.
   *
   * @throws UnsupportedOperationException for a codec without a JSON form (the default)
   */
  default JsonCodec<T> json() {
    throw new UnsupportedOperationException(getClass().getName() + " has no JSON form");
  }

  /** Encodes to a new array: a convenience for tests and tools, not used on the call path. */
  default byte[] toByteArray(T value) {
    byte[] bytes = new byte[encodedSize(value)];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      encode(value, out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("encodedSize and encode disagree for " + value, e);
    }
    return bytes;
  }

  /** Decodes a whole array: a convenience for tests and tools. */
  default T parseFrom(byte[] bytes) throws IOException {
    return decode(CodedInputStream.newInstance(bytes), 0);
  }
}
