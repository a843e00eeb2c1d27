package dev.typedrpc.processor.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.typedrpc.processor.model.ValueType;
import dev.typedrpc.processor.model.ValueType.EnumValue;
import dev.typedrpc.processor.model.ValueType.MessageValue;
import dev.typedrpc.processor.model.ValueType.ScalarValue;
import dev.typedrpc.processor.model.ValueType.WellKnown;
import dev.typedrpc.processor.model.ValueType.WellKnownValue;

/** Proto3 JSON snippets for one value of a {@link ValueType}: write, read, map keys. */
final class JsonFieldCode {
  private JsonFieldCode() {}

  static final ClassName JSON_VALUES = ClassName.get(RuntimeTypes.RUNTIME + ".codec", "JsonValues");
  static final ClassName JSON_CODEC = ClassName.get(RuntimeTypes.RUNTIME + ".spi", "JsonCodec");
  static final ClassName JSON_GENERATOR =
      ClassName.get("com.fasterxml.jackson.core", "JsonGenerator");
  static final ClassName JSON_PARSER = ClassName.get("com.fasterxml.jackson.core", "JsonParser");

  /** Writes value {@code x} (the field name is written already), in a message at {@code depth}. */
  static CodeBlock write(ValueType v, Object x) {
    if (v instanceof ScalarValue s) {
      return switch (s.scalar()) {
        case BOOL -> CodeBlock.of("out.writeBoolean($L)", x);
        case INT32 -> CodeBlock.of("out.writeNumber($L)", x);
        case STRING -> CodeBlock.of("out.writeString($L)", x);
        case INT64 -> CodeBlock.of("$T.writeInt64(out,$W$L)", JSON_VALUES, x);
        case FLOAT -> CodeBlock.of("$T.writeFloat(out,$W$L)", JSON_VALUES, x);
        case DOUBLE -> CodeBlock.of("$T.writeDouble(out,$W$L)", JSON_VALUES, x);
        case BYTES, BYTE_STRING -> CodeBlock.of("$T.writeBytes(out,$W$L)", JSON_VALUES, x);
      };
    }
    if (v instanceof EnumValue e) {
      return CodeBlock.of("$T.write(out,$W$L)", JsonNames.enumNames(e.codec()), x);
    }
    if (v instanceof MessageValue m) {
      return CodeBlock.of(
          "$T.writeMessage(out,$W$T.INSTANCE,$W$L,$Wdepth)",
          JSON_VALUES,
          JsonNames.messageCodec(m.codec()),
          x);
    }
    return CodeBlock.of("$T.write$L(out,$W$L)", JSON_VALUES, wkt(v), x);
  }

  /**
   * Reads the current value, in a message at {@code depth}. An enum reads as {@code absent} when
   * its name is unknown.
   */
  static CodeBlock read(ValueType v, Object absent) {
    if (v instanceof ScalarValue s) {
      return CodeBlock.of("$T.read$L(in)", JSON_VALUES, FieldCode.method(s.scalar()));
    }
    if (v instanceof EnumValue e) {
      return CodeBlock.of("$T.read(in,$W$L)", JsonNames.enumNames(e.codec()), absent);
    }
    if (v instanceof MessageValue m) {
      return CodeBlock.of(
          "$T.readMessage(in,$W$T.INSTANCE,$Wdepth)",
          JSON_VALUES,
          JsonNames.messageCodec(m.codec()));
    }
    return CodeBlock.of("$T.read$L(in)", JSON_VALUES, wkt(v));
  }

  /** A map key as a JSON field name. */
  static CodeBlock keyName(ScalarValue key, Object x) {
    return key.scalar() == dev.typedrpc.processor.model.Scalar.STRING
        ? CodeBlock.of("$L", x)
        : CodeBlock.of("$T.valueOf($L)", String.class, x);
  }

  /** The current field name as a map key. */
  static CodeBlock readKey(ScalarValue key) {
    return switch (key.scalar()) {
      case STRING -> CodeBlock.of("in.currentName()");
      case INT32 -> CodeBlock.of("$T.int32Key(in,$Win.currentName())", JSON_VALUES);
      case INT64 -> CodeBlock.of("$T.int64Key(in,$Win.currentName())", JSON_VALUES);
      case BOOL -> CodeBlock.of("$T.boolKey(in,$Win.currentName())", JSON_VALUES);
      default -> throw new IllegalArgumentException("not a map key: " + key);
    };
  }

  private static String wkt(ValueType v) {
    return ((WellKnownValue) v).kind() == WellKnown.TIMESTAMP ? "Timestamp" : "Duration";
  }
}
