package dev.typedrpc.processor.codegen;

import static dev.typedrpc.processor.codegen.RuntimeTypes.CODED_OUTPUT;
import static dev.typedrpc.processor.codegen.RuntimeTypes.MESSAGES;
import static dev.typedrpc.processor.codegen.RuntimeTypes.VARINTS;
import static dev.typedrpc.processor.codegen.RuntimeTypes.WELL_KNOWN;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.typedrpc.processor.model.FieldModel;
import dev.typedrpc.processor.model.Scalar;
import dev.typedrpc.processor.model.ValueType;
import dev.typedrpc.processor.model.ValueType.EnumValue;
import dev.typedrpc.processor.model.ValueType.MessageValue;
import dev.typedrpc.processor.model.ValueType.ScalarValue;
import dev.typedrpc.processor.model.ValueType.WellKnown;
import dev.typedrpc.processor.model.ValueType.WellKnownValue;

/** Java types and code snippets for one value of a {@link ValueType}. */
final class FieldCode {
  private FieldCode() {}

  /** The wire tag of field {@code number} holding values of {@code wireType}. */
  static int tag(int number, int wireType) {
    return (number << 3) | wireType;
  }

  /** The Java type of a field as a record component or parameter. */
  static TypeName javaType(FieldModel f) {
    return switch (f.label()) {
      case SINGULAR -> f.primitive() ? primitive(f.value()) : boxed(f.value());
      case OPTIONAL ->
          f.presence() == FieldModel.Presence.OPTIONAL
              ? ParameterizedTypeName.get(RuntimeTypes.OPTIONAL, boxed(f.value()))
              : boxed(f.value());
      case REPEATED -> ParameterizedTypeName.get(RuntimeTypes.LIST, boxed(f.value()));
      case MAP -> ParameterizedTypeName.get(RuntimeTypes.MAP, boxed(f.key()), boxed(f.value()));
    };
  }

  static TypeName primitive(ValueType v) {
    return boxed(v).unbox();
  }

  /** The reference type of one value. */
  static TypeName boxed(ValueType v) {
    if (v instanceof ScalarValue s) {
      return switch (s.scalar()) {
        case BOOL -> TypeName.BOOLEAN.box();
        case INT32 -> TypeName.INT.box();
        case INT64 -> TypeName.LONG.box();
        case FLOAT -> TypeName.FLOAT.box();
        case DOUBLE -> TypeName.DOUBLE.box();
        case STRING -> TypeName.get(String.class);
        case BYTES -> ArrayTypeName.of(TypeName.BYTE);
        case BYTE_STRING -> RuntimeTypes.BYTE_STRING;
      };
    }
    if (v instanceof EnumValue e) {
      return e.javaName();
    }
    if (v instanceof MessageValue m) {
      return m.javaName();
    }
    return ((WellKnownValue) v).kind() == WellKnown.TIMESTAMP
        ? RuntimeTypes.INSTANT
        : RuntimeTypes.DURATION;
  }

  /** Whether a scalar or enum value differs from its proto3 default (is written). */
  static CodeBlock nonDefault(ValueType v, Object x) {
    if (v instanceof EnumValue e) {
      return CodeBlock.of("$T.toNumber($L) != 0", e.codec(), x);
    }
    Scalar s = ((ScalarValue) v).scalar();
    return switch (s) {
      case BOOL -> CodeBlock.of("$L", x);
      case INT32, INT64 -> CodeBlock.of("$L != 0", x);
      case FLOAT -> CodeBlock.of("$T.floatToRawIntBits($L) != 0", Float.class, x);
      case DOUBLE -> CodeBlock.of("$T.doubleToRawLongBits($L) != 0", Double.class, x);
      case STRING -> CodeBlock.of("!$L.isEmpty()", x);
      case BYTES -> CodeBlock.of("$L.length != 0", x);
      case BYTE_STRING -> CodeBlock.of("!$L.isEmpty()", x);
    };
  }

  /** Whether proto3 skips the value when it is the default (scalars and enums). */
  static boolean hasDefault(ValueType v) {
    return v instanceof ScalarValue || v instanceof EnumValue;
  }

  /**
   * Size of field {@code number} holding {@code x}, tag included, in a size pass at {@code depth}.
   */
  static CodeBlock size(ValueType v, int number, Object x) {
    return size(v, number, x, true);
  }

  /**
   * As above; without {@code depth} (in {@code encode}, which has none), a nested message is sized
   * as a top-level one: the size pass before encode has checked the depth already.
   */
  static CodeBlock size(ValueType v, int number, Object x, boolean depth) {
    if (v instanceof ScalarValue s) {
      return CodeBlock.of("$T.compute$LSize($L,$W$L)", CODED_OUTPUT, method(s.scalar()), number, x);
    }
    if (v instanceof EnumValue e) {
      return CodeBlock.of(
          "$T.computeEnumSize($L,$W$T.toNumber($L))", CODED_OUTPUT, number, e.codec(), x);
    }
    if (v instanceof MessageValue m) {
      // depth: the size pass of the message holding it (see CodecGenerator.encodedSize)
      return CodeBlock.of(
          depth ? "$T.sizeOf($L,$W$T.INSTANCE,$W$L,$Wdepth)" : "$T.sizeOf($L,$W$T.INSTANCE,$W$L)",
          MESSAGES,
          number,
          m.codec(),
          x);
    }
    return CodeBlock.of("$T.$LSize($L,$W$L)", WELL_KNOWN, wkt(v), number, x);
  }

  /** Writes field {@code number} holding {@code x}. */
  static CodeBlock write(ValueType v, int number, Object x) {
    if (v instanceof ScalarValue s) {
      if (s.scalar() == Scalar.INT32 || s.scalar() == Scalar.INT64) {
        // Varints, not out.writeInt64: protobuf's 64-bit varint writer is too big to inline
        return CodeBlock.of("$T.write$L(out,$W$L,$W$L)", VARINTS, method(s.scalar()), number, x);
      }
      if (s.scalar() == Scalar.STRING) {
        // Messages.writeString: same bytes as out.writeString, half the code to inline
        return CodeBlock.of("$T.writeString(out,$W$L,$W$L)", MESSAGES, number, x);
      }
      return CodeBlock.of("out.write$L($L,$W$L)", method(s.scalar()), number, x);
    }
    if (v instanceof EnumValue e) {
      return CodeBlock.of("out.writeEnum($L,$W$T.toNumber($L))", number, e.codec(), x);
    }
    if (v instanceof MessageValue m) {
      return CodeBlock.of("$T.write(out,$W$L,$W$T.INSTANCE,$W$L)", MESSAGES, number, m.codec(), x);
    }
    return CodeBlock.of("$T.write$L(out,$W$L,$W$L)", WELL_KNOWN, capitalized(wkt(v)), number, x);
  }

  /** Reads one value after its tag, inside a message at {@code depth}. */
  static CodeBlock read(ValueType v, String depth) {
    if (v instanceof ScalarValue s) {
      return switch (s.scalar()) {
        case STRING -> CodeBlock.of("in.readStringRequireUtf8()");
        default -> CodeBlock.of("in.read$L()", method(s.scalar()));
      };
    }
    if (v instanceof EnumValue e) {
      return CodeBlock.of("$T.fromNumber(in.readEnum())", e.codec());
    }
    if (v instanceof MessageValue m) {
      return CodeBlock.of("$T.read(in,$W$T.INSTANCE,$W$L)", MESSAGES, m.codec(), depth);
    }
    return CodeBlock.of("$T.read$L(in,$W$L)", WELL_KNOWN, capitalized(wkt(v)), depth);
  }

  /** The value an absent singular field decodes to. */
  static CodeBlock defaultValue(ValueType v) {
    if (v instanceof ScalarValue s) {
      return switch (s.scalar()) {
        case BOOL -> CodeBlock.of("false");
        case INT32 -> CodeBlock.of("0");
        case INT64 -> CodeBlock.of("0L");
        case FLOAT -> CodeBlock.of("0f");
        case DOUBLE -> CodeBlock.of("0d");
        case STRING -> CodeBlock.of("\"\"");
        case BYTES -> CodeBlock.of("$T.EMPTY_BYTES", MESSAGES);
        case BYTE_STRING -> CodeBlock.of("$T.EMPTY", RuntimeTypes.BYTE_STRING);
      };
    }
    if (v instanceof EnumValue e) {
      return CodeBlock.of("$T.fromNumber(0)", e.codec());
    }
    if (v instanceof MessageValue m) {
      return CodeBlock.of("$T.defaultValue()", m.codec());
    }
    return ((WellKnownValue) v).kind() == WellKnown.TIMESTAMP
        ? CodeBlock.of("$T.EPOCH", RuntimeTypes.INSTANT)
        : CodeBlock.of("$T.ZERO", RuntimeTypes.DURATION);
  }

  /** The protobuf-java method suffix of a scalar: {@code Int32}, {@code ByteArray}, ... */
  static String method(Scalar s) {
    return switch (s) {
      case BOOL -> "Bool";
      case INT32 -> "Int32";
      case INT64 -> "Int64";
      case FLOAT -> "Float";
      case DOUBLE -> "Double";
      case STRING -> "String";
      case BYTES -> "ByteArray";
      case BYTE_STRING -> "Bytes";
    };
  }

  private static String wkt(ValueType v) {
    return ((WellKnownValue) v).kind() == WellKnown.TIMESTAMP ? "timestamp" : "duration";
  }

  private static String capitalized(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
