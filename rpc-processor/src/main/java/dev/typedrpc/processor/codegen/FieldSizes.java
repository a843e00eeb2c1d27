package dev.typedrpc.processor.codegen;

import static dev.typedrpc.processor.codegen.RuntimeTypes.MESSAGES;
import static dev.typedrpc.processor.codegen.RuntimeTypes.PACKED;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.typedrpc.processor.model.FieldModel;
import dev.typedrpc.processor.model.Scalar;
import dev.typedrpc.processor.model.ValueType;
import dev.typedrpc.processor.model.ValueType.EnumValue;
import dev.typedrpc.processor.model.ValueType.ScalarValue;

/** Size and write statements of one field, by label. */
final class FieldSizes {
  private FieldSizes() {}

  /** Adds the field's size to {@code size}. */
  static CodeBlock size(FieldModel f, String x, String owner) {
    ValueType v = f.value();
    int n = f.number();
    CodeBlock.Builder b = CodeBlock.builder();
    switch (f.label()) {
      case SINGULAR -> {
        if (FieldCode.hasDefault(v)) {
          b.beginControlFlow("if ($L)", FieldCode.nonDefault(v, x))
              .addStatement("size += $L", FieldCode.size(v, n, x))
              .endControlFlow();
        } else {
          b.addStatement("size += $L", FieldCode.size(v, n, x));
        }
      }
      case OPTIONAL -> {
        boolean wrapped = f.presence() == FieldModel.Presence.OPTIONAL;
        b.beginControlFlow(wrapped ? "if ($L.isPresent())" : "if ($L != null)", x)
            .addStatement("size += $L", FieldCode.size(v, n, wrapped ? x + ".get()" : x))
            .endControlFlow();
      }
      case REPEATED -> {
        if (v.packable()) {
          b.addStatement(
              "size += $T.fieldSize($L,$W$L)", PACKED, n, packedDataSize(v, x, element(owner, f)));
        } else {
          b.beginControlFlow("for ($T element : $L)", FieldCode.boxed(v), x)
              .addStatement(
                  "size += $L", FieldCode.size(v, n, checked(owner + "." + f.name() + " element")))
              .endControlFlow();
        }
      }
      case MAP -> {
        if (isStringMap(f)) {
          b.addStatement(
              "size += $T.stringMapSize($L,$W$L,$W$S)", MESSAGES, n, x, owner + "." + f.name());
          break;
        }
        b.beginControlFlow("for ($T entry : $L.entrySet())", entryType(f), x);
        entryLocals(b, f, owner);
        b.addStatement("size += $T.lengthDelimitedSize($L,$W$L)", MESSAGES, n, entrySize(f, true));
        b.endControlFlow();
      }
    }
    return b.build();
  }

  /** Writes the field. */
  static CodeBlock write(FieldModel f, String x, String owner) {
    ValueType v = f.value();
    int n = f.number();
    CodeBlock.Builder b = CodeBlock.builder();
    switch (f.label()) {
      case SINGULAR -> {
        if (FieldCode.hasDefault(v)) {
          b.beginControlFlow("if ($L)", FieldCode.nonDefault(v, x))
              .addStatement("$L", FieldCode.write(v, n, x))
              .endControlFlow();
        } else {
          b.addStatement("$L", FieldCode.write(v, n, x));
        }
      }
      case OPTIONAL -> {
        boolean wrapped = f.presence() == FieldModel.Presence.OPTIONAL;
        b.beginControlFlow(wrapped ? "if ($L.isPresent())" : "if ($L != null)", x)
            .addStatement("$L", FieldCode.write(v, n, wrapped ? x + ".get()" : x))
            .endControlFlow();
      }
      case REPEATED -> {
        if (v instanceof EnumValue e) {
          b.addStatement("$T.writePacked(out,$W$L,$W$L,$W$S)", e.codec(), n, x, element(owner, f));
        } else if (v.packable()) {
          b.addStatement(
              "$T.write$L(out,$W$L,$W$L,$W$S)",
              PACKED,
              FieldCode.method(((ScalarValue) v).scalar()),
              n,
              x,
              element(owner, f));
        } else {
          b.beginControlFlow("for ($T element : $L)", FieldCode.boxed(v), x)
              .addStatement(
                  "$L", FieldCode.write(v, n, checked(owner + "." + f.name() + " element")))
              .endControlFlow();
        }
      }
      case MAP -> {
        if (isStringMap(f)) {
          // the most common map: a helper walks it, see Messages.writeStringMap
          b.addStatement(
              "$T.writeStringMap(out,$W$L,$W$L,$W$S)", MESSAGES, n, x, owner + "." + f.name());
          break;
        }
        b.beginControlFlow("for ($T entry : $L.entrySet())", entryType(f), x);
        entryLocals(b, f, owner);
        b.addStatement("out.writeTag($L,$W2)", n);
        b.addStatement("out.writeUInt32NoTag($L)", entrySize(f, false));
        b.addStatement("$L", FieldCode.write(f.key(), 1, "key"));
        b.addStatement("$L", FieldCode.write(v, 2, "mapValue"));
        b.endControlFlow();
      }
    }
    return b.build();
  }

  private static boolean isStringMap(FieldModel f) {
    return isString(f.key()) && isString(f.value());
  }

  private static boolean isString(ValueType v) {
    return v instanceof ScalarValue s && s.scalar() == Scalar.STRING;
  }

  /** Reads a packed run into list {@code x}. */
  static CodeBlock readPacked(ValueType v, String x) {
    if (v instanceof EnumValue e) {
      return CodeBlock.of("$T.readPacked(in,$W$L)", e.codec(), x);
    }
    return CodeBlock.of(
        "$T.read$L(in,$W$L)", PACKED, FieldCode.method(((ScalarValue) v).scalar()), x);
  }

  /** {@code Owner.field element}: how null-check messages name a list element. */
  private static String element(String owner, FieldModel f) {
    return owner + "." + f.name() + " element";
  }

  private static CodeBlock packedDataSize(ValueType v, String x, String what) {
    if (v instanceof EnumValue e) {
      return CodeBlock.of("$T.packedDataSize($L,$W$S)", e.codec(), x, what);
    }
    return switch (((ScalarValue) v).scalar()) {
      case INT32 -> CodeBlock.of("$T.int32DataSize($L,$W$S)", PACKED, x, what);
      case INT64 -> CodeBlock.of("$T.int64DataSize($L,$W$S)", PACKED, x, what);
      case BOOL -> CodeBlock.of("$T.fixedDataSize($L,$W1,$W$S)", PACKED, x, what);
      case FLOAT -> CodeBlock.of("$T.fixedDataSize($L,$W4,$W$S)", PACKED, x, what);
      case DOUBLE -> CodeBlock.of("$T.fixedDataSize($L,$W8,$W$S)", PACKED, x, what);
      default -> throw new IllegalArgumentException("not packable: " + v);
    };
  }

  private static CodeBlock checked(String what) {
    return CodeBlock.of("$T.checkNotNull(element,$W$S)", MESSAGES, what);
  }

  static TypeName entryType(FieldModel f) {
    return ParameterizedTypeName.get(
        RuntimeTypes.MAP.nestedClass("Entry"),
        FieldCode.boxed(f.key()),
        FieldCode.boxed(f.value()));
  }

  private static void entryLocals(CodeBlock.Builder b, FieldModel f, String owner) {
    b.addStatement(
        "$T key = $T.checkNotNull(entry.getKey(),$W$S)",
        FieldCode.boxed(f.key()),
        MESSAGES,
        owner + "." + f.name() + " key");
    b.addStatement(
        "$T mapValue = $T.checkNotNull(entry.getValue(),$W$S)",
        FieldCode.boxed(f.value()),
        MESSAGES,
        owner + "." + f.name() + " value");
  }

  private static CodeBlock entrySize(FieldModel f, boolean depth) {
    return CodeBlock.of(
        "$L +$W$L",
        FieldCode.size(f.key(), 1, "key"),
        FieldCode.size(f.value(), 2, "mapValue", depth));
  }
}
