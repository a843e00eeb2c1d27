package dev.typedrpc.processor.model;

/** Proto scalar types a Java type maps to. */
public enum Scalar {
  BOOL("bool", 0, true),
  INT32("int32", 0, true),
  INT64("int64", 0, true),
  FLOAT("float", 5, true),
  DOUBLE("double", 1, true),
  STRING("string", 2, false),
  /** {@code byte[]}. */
  BYTES("bytes", 2, false),
  /** {@code com.google.protobuf.ByteString}: immutable, so records holding it keep their equals. */
  BYTE_STRING("bytes", 2, false);

  private final String protoName;
  private final int wireType;
  private final boolean packable;

  Scalar(String protoName, int wireType, boolean packable) {
    this.protoName = protoName;
    this.wireType = wireType;
    this.packable = packable;
  }

  public String protoName() {
    return protoName;
  }

  public int wireType() {
    return wireType;
  }

  public boolean packable() {
    return packable;
  }
}
