package dev.typedrpc.processor.model;

import com.palantir.javapoet.ClassName;

/**
 * The type of one value on the wire: what a singular field, a list element or a map value holds.
 */
public sealed interface ValueType {
  /** The name in a {@code .proto} file. */
  String protoName();

  /** Wire type of one value. */
  int wireType();

  /** Whether a repeated field of this type is packed. */
  boolean packable();

  /** A proto scalar. */
  record ScalarValue(Scalar scalar) implements ValueType {
    @Override
    public String protoName() {
      return scalar.protoName();
    }

    @Override
    public int wireType() {
      return scalar.wireType();
    }

    @Override
    public boolean packable() {
      return scalar.packable();
    }
  }

  /** A Java enum; {@code codec} is its generated number mapping class. */
  record EnumValue(ClassName javaName, String protoName, ClassName codec) implements ValueType {
    @Override
    public int wireType() {
      return 0;
    }

    @Override
    public boolean packable() {
      return true;
    }
  }

  /** A record or sealed interface ({@code oneof}) message. */
  record MessageValue(ClassName javaName, String protoName, ClassName codec, boolean oneof)
      implements ValueType {
    @Override
    public int wireType() {
      return 2;
    }

    @Override
    public boolean packable() {
      return false;
    }
  }

  /** {@code google.protobuf.Timestamp} ({@code Instant}) or {@code Duration}. */
  record WellKnownValue(WellKnown kind) implements ValueType {
    @Override
    public String protoName() {
      return kind.protoName();
    }

    @Override
    public int wireType() {
      return 2;
    }

    @Override
    public boolean packable() {
      return false;
    }
  }

  /** The well-known message types with a Java counterpart. */
  enum WellKnown {
    TIMESTAMP("google.protobuf.Timestamp", "google/protobuf/timestamp.proto", "java.time.Instant"),
    DURATION("google.protobuf.Duration", "google/protobuf/duration.proto", "java.time.Duration");

    private final String protoName;
    private final String protoFile;
    private final String javaName;

    WellKnown(String protoName, String protoFile, String javaName) {
      this.protoName = protoName;
      this.protoFile = protoFile;
      this.javaName = javaName;
    }

    public String protoName() {
      return protoName;
    }

    public String protoFile() {
      return protoFile;
    }

    public String javaName() {
      return javaName;
    }
  }
}
