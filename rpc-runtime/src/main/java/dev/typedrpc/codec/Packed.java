package dev.typedrpc.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.List;

/**
 * Packed repeated scalars. Writers skip empty lists (proto3); readers accept the packed form (one
 * length-delimited field, handled here) and generated codecs also accept the unpacked form (one
 * field per element). Elements must not be null: writers and sizes take the field's name ({@code
 * Type.component}) for the {@link NullPointerException} a null element throws.
 */
public final class Packed {
  private Packed() {}

  /** Payload size of packed int32 values of {@code field} (for the null check's message). */
  public static int int32DataSize(List<Integer> values, String field) {
    int size = 0;
    for (Integer value : values) {
      size += CodedOutputStream.computeInt32SizeNoTag(Messages.checkNotNull(value, field));
    }
    return size;
  }

  /** Payload size of packed int64 values of {@code field} (for the null check's message). */
  public static int int64DataSize(List<Long> values, String field) {
    int size = 0;
    for (Long value : values) {
      size += CodedOutputStream.computeInt64SizeNoTag(Messages.checkNotNull(value, field));
    }
    return size;
  }

  /**
   * Payload size of packed fixed-width values (bool 1, float 4, double 8 bytes each) of {@code
   * field}: checks every element, so that a null fails the size pass, before anything is written.
   */
  public static int fixedDataSize(List<?> values, int width, String field) {
    for (Object value : values) {
      Messages.checkNotNull(value, field);
    }
    return values.size() * width;
  }

  /**
   * Size of a packed field (tag, length, payload) with a payload of {@code dataSize}; 0 if empty.
   */
  public static int fieldSize(int number, int dataSize) {
    return dataSize == 0 ? 0 : Messages.lengthDelimitedSize(number, dataSize);
  }

  /** Writes the tag and length of a packed field. */
  public static void writeHeader(CodedOutputStream out, int number, int dataSize)
      throws IOException {
    out.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(dataSize);
  }

  /** Writes packed int32 values (nothing if empty). */
  public static void writeInt32(
      CodedOutputStream out, int number, List<Integer> values, String field) throws IOException {
    if (values.isEmpty()) {
      return;
    }
    writeHeader(out, number, int32DataSize(values, field));
    for (Integer value : values) {
      Varints.writeInt32NoTag(out, Messages.checkNotNull(value, field));
    }
  }

  /** Writes packed int64 values (nothing if empty). */
  public static void writeInt64(CodedOutputStream out, int number, List<Long> values, String field)
      throws IOException {
    if (values.isEmpty()) {
      return;
    }
    writeHeader(out, number, int64DataSize(values, field));
    for (Long value : values) {
      Varints.writeInt64NoTag(out, Messages.checkNotNull(value, field));
    }
  }

  /** Writes packed bool values (nothing if empty). */
  public static void writeBool(
      CodedOutputStream out, int number, List<Boolean> values, String field) throws IOException {
    if (values.isEmpty()) {
      return;
    }
    writeHeader(out, number, values.size());
    for (Boolean value : values) {
      out.writeBoolNoTag(Messages.checkNotNull(value, field));
    }
  }

  /** Writes packed float values (nothing if empty). */
  public static void writeFloat(CodedOutputStream out, int number, List<Float> values, String field)
      throws IOException {
    if (values.isEmpty()) {
      return;
    }
    writeHeader(out, number, values.size() * 4);
    for (Float value : values) {
      out.writeFloatNoTag(Messages.checkNotNull(value, field));
    }
  }

  /** Writes packed double values (nothing if empty). */
  public static void writeDouble(
      CodedOutputStream out, int number, List<Double> values, String field) throws IOException {
    if (values.isEmpty()) {
      return;
    }
    writeHeader(out, number, values.size() * 8);
    for (Double value : values) {
      out.writeDoubleNoTag(Messages.checkNotNull(value, field));
    }
  }

  /** Reads a packed int32 payload (after its tag) into {@code target}. */
  public static void readInt32(CodedInputStream in, List<Integer> target) throws IOException {
    int oldLimit = in.pushLimit(in.readRawVarint32());
    while (in.getBytesUntilLimit() > 0) {
      target.add(in.readInt32());
    }
    in.popLimit(oldLimit);
  }

  /** Reads a packed int64 payload (after its tag) into {@code target}. */
  public static void readInt64(CodedInputStream in, List<Long> target) throws IOException {
    int oldLimit = in.pushLimit(in.readRawVarint32());
    while (in.getBytesUntilLimit() > 0) {
      target.add(in.readInt64());
    }
    in.popLimit(oldLimit);
  }

  /** Reads a packed bool payload (after its tag) into {@code target}. */
  public static void readBool(CodedInputStream in, List<Boolean> target) throws IOException {
    int oldLimit = in.pushLimit(in.readRawVarint32());
    while (in.getBytesUntilLimit() > 0) {
      target.add(in.readBool());
    }
    in.popLimit(oldLimit);
  }

  /** Reads a packed float payload (after its tag) into {@code target}. */
  public static void readFloat(CodedInputStream in, List<Float> target) throws IOException {
    int oldLimit = in.pushLimit(in.readRawVarint32());
    while (in.getBytesUntilLimit() > 0) {
      target.add(in.readFloat());
    }
    in.popLimit(oldLimit);
  }

  /** Reads a packed double payload (after its tag) into {@code target}. */
  public static void readDouble(CodedInputStream in, List<Double> target) throws IOException {
    int oldLimit = in.pushLimit(in.readRawVarint32());
    while (in.getBytesUntilLimit() > 0) {
      target.add(in.readDouble());
    }
    in.popLimit(oldLimit);
  }
}
