package dev.typedrpc.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Length-delimited (nested) messages, depth checks and null checks for generated codecs. */
public final class Messages {
  /** The shared empty {@code bytes} value (an empty array has no state to share). */
  public static final byte[] EMPTY_BYTES = new byte[0];

  private Messages() {}

  /**
   * Returns {@code value}, or throws {@link NullPointerException} naming the field ({@code
   * Type.component}, or {@code Type.component element}, {@code key} or {@code value} for what a
   * list or map holds) and saying how to make it optional.
   */
  public static <T> T checkNotNull(T value, String field) {
    if (value == null) {
      throw nullField(field);
    }
    return value;
  }

  /** The error for a null where the schema has no absent value: the caller's programming error. */
  public static NullPointerException nullField(String field) {
    String fix;
    if (field.endsWith(" element")) {
      fix = "a list cannot hold null";
    } else if (field.endsWith(" key") || field.endsWith(" value")) {
      fix = "a map cannot hold null keys or values";
    } else {
      fix = "declare it @Nullable or Optional to make it optional";
    }
    return new NullPointerException(field + " is null; " + fix);
  }

  /**
   * Writes string field {@code number}: the same bytes as {@link CodedOutputStream#writeString}
   * (which, on a server JVM, also encodes through {@link String#getBytes}, unpaired surrogates
   * becoming {@code '?'} as in {@link CodedOutputStream#computeStringSize}). Why not that method:
   * inlined, it brings two UTF-8 paths and three varint writers into the caller, about twice the
   * bytecode of this one, and a codec with a few strings then runs out of the JIT's inlining budget
   * before its last fields, which become calls.
   */
  public static void writeString(CodedOutputStream out, int number, String value)
      throws IOException {
    out.writeByteArray(number, value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Size of {@code map<string, string>} field {@code number}. The size and write passes of a
   * generated codec walk a string map through these two helpers rather than inline loops: compiled
   * on their own, the JIT removes the map's iterator and entry objects, which it does not inside a
   * large encoder that has used up its inlining budget.
   *
   * @param field the field's name for the error on a null key or value, e.g. {@code
   *     ChatMessage.attributes}
   */
  public static int stringMapSize(int number, Map<String, String> map, String field) {
    int size = 0;
    for (Map.Entry<String, String> entry : map.entrySet()) {
      size += lengthDelimitedSize(number, stringEntrySize(entry, field));
    }
    return size;
  }

  /**
   * Writes {@code map<string, string>} field {@code number}, entry by entry; see {@link
   * #stringMapSize}.
   */
  public static void writeStringMap(
      CodedOutputStream out, int number, Map<String, String> map, String field) throws IOException {
    for (Map.Entry<String, String> entry : map.entrySet()) {
      String key = entry.getKey();
      String value = entry.getValue();
      if (key == null || value == null) {
        throw nullInMap(key, field);
      }
      writeStringEntry(out, number, key, value);
    }
  }

  /**
   * Writes one entry of a {@code map<string, string>} field {@code number}: each string is encoded
   * once, and the entry's length comes from those bytes instead of a second pass over the chars.
   */
  public static void writeStringEntry(CodedOutputStream out, int number, String key, String value)
      throws IOException {
    byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
    byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
    out.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(
        CodedOutputStream.computeByteArraySize(1, keyBytes)
            + CodedOutputStream.computeByteArraySize(2, valueBytes));
    out.writeByteArray(1, keyBytes);
    out.writeByteArray(2, valueBytes);
  }

  private static int stringEntrySize(Map.Entry<String, String> entry, String field) {
    String key = entry.getKey();
    String value = entry.getValue();
    if (key == null || value == null) {
      throw nullInMap(key, field);
    }
    return CodedOutputStream.computeStringSize(1, key)
        + CodedOutputStream.computeStringSize(2, value);
  }

  private static NullPointerException nullInMap(String key, String field) {
    return nullField(field + (key == null ? " key" : " value"));
  }

  /** Size of a length-delimited field {@code number} whose payload is {@code length} bytes. */
  public static int lengthDelimitedSize(int number, int length) {
    return CodedOutputStream.computeTagSize(number)
        + CodedOutputStream.computeUInt32SizeNoTag(length)
        + length;
  }

  /** Size of {@code value} written as message field {@code number}. */
  public static <T> int sizeOf(int number, MessageCodec<T> codec, T value) {
    return lengthDelimitedSize(number, codec.encodedSize(value));
  }

  /**
   * Size of {@code value} written as message field {@code number} of a message at {@code depth}:
   * the nested message is sized at {@code depth + 1}, which must not exceed {@link
   * MessageCodec#MAX_DEPTH}.
   *
   * @throws IllegalArgumentException if it does (a cycle, such as a list containing the record that
   *     holds it, or a structure deeper than a peer would accept)
   */
  public static <T> int sizeOf(int number, MessageCodec<T> codec, T value, int depth) {
    if (depth >= MessageCodec.MAX_DEPTH) {
      throw new IllegalArgumentException(
          "Cannot encode "
              + value.getClass().getSimpleName()
              + ": messages nest more than "
              + MessageCodec.MAX_DEPTH
              + " levels deep (the limit of decoders, ours and protobuf's); is there a cycle, such"
              + " as a list that contains the record holding it?");
    }
    return lengthDelimitedSize(number, codec.encodedSize(value, depth + 1));
  }

  /** Writes {@code value} as message field {@code number}: tag, length, fields. */
  public static <T> void write(CodedOutputStream out, int number, MessageCodec<T> codec, T value)
      throws IOException {
    out.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(codec.encodedSize(value));
    codec.encode(value, out);
  }

  /**
   * Reads a length-prefixed message whose tag was just read by a message at {@code depth}; the
   * nested message is decoded at {@code depth + 1}.
   */
  public static <T> T read(CodedInputStream in, MessageCodec<T> codec, int depth)
      throws IOException {
    checkDepth(depth);
    int length = in.readRawVarint32();
    int oldLimit = in.pushLimit(length);
    T value = codec.decode(in, depth + 1);
    in.checkLastTagWas(0);
    in.popLimit(oldLimit);
    return value;
  }

  /**
   * Throws if a message at {@code depth} may not contain another nested message ({@code depth + 1}
   * would exceed {@link MessageCodec#MAX_DEPTH}).
   */
  public static void checkDepth(int depth) throws InvalidProtocolBufferException {
    if (depth >= MessageCodec.MAX_DEPTH) {
      throw new InvalidProtocolBufferException(
          "Protocol message had too many levels of nesting (more than "
              + MessageCodec.MAX_DEPTH
              + ")");
    }
  }

  /**
   * Starts reading a length-delimited entry (map entry or nested message read inline) after its
   * tag: checks the depth and pushes the limit. Returns the old limit for {@link #endNested}.
   */
  public static int beginNested(CodedInputStream in, int depth) throws IOException {
    checkDepth(depth);
    int length = in.readRawVarint32();
    return in.pushLimit(length);
  }

  /** Ends what {@link #beginNested} began. */
  public static void endNested(CodedInputStream in, int oldLimit) throws IOException {
    in.checkLastTagWas(0);
    in.popLimit(oldLimit);
  }

  /**
   * The error a decoder reports for a oneof (sealed interface) message without any known case set.
   */
  public static InvalidProtocolBufferException noCaseSet(String messageName) {
    return noCaseSet(messageName, 0);
  }

  /**
   * The error a decoder reports for a oneof (sealed interface) message without a known case: {@code
   * skippedTag} is the tag of the last length-delimited field it skipped (a case this version does
   * not know, written by a newer peer), or 0 if there was none (no case at all).
   */
  public static InvalidProtocolBufferException noCaseSet(String messageName, int skippedTag) {
    if (skippedTag != 0) {
      return new InvalidProtocolBufferException(
          "Message "
              + messageName
              + " has oneof case "
              + WireFormat.getTagFieldNumber(skippedTag)
              + ", unknown to this version of the schema (the peer runs a newer version of the"
              + " service); declare an @Unrecognized record in the sealed interface to receive it");
    }
    return new InvalidProtocolBufferException(
        "Message "
            + messageName
            + " has no case of its oneof set; a sealed field that may be absent"
            + " must be Optional or @Nullable");
  }

  /**
   * The tag to remember after skipping {@code tag} in a oneof message: length-delimited fields are
   * cases this version does not know; other fields do not count.
   */
  public static int skippedCase(int tag, int previous) {
    return WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED ? tag : previous;
  }

  /**
   * Thrown instead of returning the wire number of an {@code @Unrecognized} enum constant: the
   * number it was decoded from is lost, so it cannot be sent on.
   */
  @SuppressWarnings(
      "DoNotCallSuggester") // generated encoders call it where a number is due: throwing is its job
  public static int unrecognizedNumber(String enumName) {
    throw new IllegalArgumentException(
        "Cannot encode the @Unrecognized constant of enum "
            + enumName
            + ": it stands for a number this version does not know");
  }
}
