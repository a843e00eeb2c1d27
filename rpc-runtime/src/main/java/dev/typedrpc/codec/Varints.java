package dev.typedrpc.codec;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * int32 and int64 varints for generated codecs, byte for byte what {@link
 * CodedOutputStream#writeInt64} and {@link CodedOutputStream#writeInt32} write.
 *
 * <p>Why not those methods: protobuf-java's 64-bit varint writer is too large for the JIT to inline
 * (about 490 bytecodes; C2 inlines hot methods up to 325), and {@code writeInt32NoTag} calls it for
 * negative values. A call the JIT cannot inline takes the {@code CodedOutputStream} with it, so the
 * stream of {@link dev.typedrpc.spi.MessageCodec#toByteArray} is then allocated on every call
 * instead of living in registers. Here the bytes above bit 32 are written one at a time and the
 * rest with the small 32-bit writer, so every call is small enough to inline.
 */
public final class Varints {
  private Varints() {}

  /** Writes int64 field {@code number} (tag and varint). */
  public static void writeInt64(CodedOutputStream out, int number, long value) throws IOException {
    out.writeTag(number, WireFormat.WIRETYPE_VARINT);
    writeInt64NoTag(out, value);
  }

  /** Writes int32 field {@code number} (tag and varint; ten bytes if negative, as protobuf). */
  public static void writeInt32(CodedOutputStream out, int number, int value) throws IOException {
    out.writeTag(number, WireFormat.WIRETYPE_VARINT);
    writeInt32NoTag(out, value);
  }

  /** Writes {@code value} as a varint of its 64 bits (negative values take ten bytes). */
  public static void writeInt64NoTag(CodedOutputStream out, long value) throws IOException {
    long rest = value;
    // every byte written here has more above it (rest >= 2^32), so it carries the continuation bit
    while ((rest >>> 32) != 0) {
      out.write((byte) ((int) rest | 0x80));
      rest >>>= 7;
    }
    // below 2^32 the unsigned 32-bit varint has the same bytes as the 64-bit one
    out.writeUInt32NoTag((int) rest);
  }

  /** Writes an int32 value as protobuf does: sign-extended to 64 bits when negative. */
  public static void writeInt32NoTag(CodedOutputStream out, int value) throws IOException {
    if (value >= 0) {
      out.writeUInt32NoTag(value);
    } else {
      writeInt64NoTag(out, value);
    }
  }
}
