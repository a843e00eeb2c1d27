package dev.typedrpc.processor.codegen;

import static dev.typedrpc.processor.codegen.RuntimeTypes.CODED_INPUT;
import static dev.typedrpc.processor.codegen.RuntimeTypes.CODED_OUTPUT;
import static dev.typedrpc.processor.codegen.RuntimeTypes.IO_EXCEPTION;
import static dev.typedrpc.processor.codegen.RuntimeTypes.PACKED;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.typedrpc.processor.model.EnumModel;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <Enum>Codec}, nested in the service's {@code <Iface>RpcCodecs}: the mapping
 * between constants and wire numbers, plus packed lists. Unknown numbers decode to the
 * {@code @Unrecognized} constant if there is one, else to the constant numbered 0.
 */
public final class EnumCodecGenerator {
  private EnumCodecGenerator() {}

  public static TypeSpec generate(EnumModel e) {
    TypeName list = ParameterizedTypeName.get(RuntimeTypes.LIST, e.javaName());
    List<CodeBlock> numbers = new ArrayList<>();
    for (EnumModel.Constant c : e.constants()) {
      numbers.add(CodeBlock.of("$L", c.number()));
    }
    EnumModel.Fallback fallback = e.unrecognized();
    if (fallback != null) {
      numbers.add(fallback.ordinal(), CodeBlock.of("-1"));
    }
    String unknown = fallback == null ? e.zero().javaName() : fallback.javaName();
    MethodSpec.Builder fromNumber =
        MethodSpec.methodBuilder("fromNumber")
            .addJavadoc(
                "The constant numbered {@code number}; unknown numbers give $L.\n",
                fallback == null ? "the one numbered 0" : "{@code " + unknown + "}")
            .addModifiers(Modifier.STATIC)
            .returns(e.javaName())
            .addParameter(int.class, "number")
            .beginControlFlow("switch (number)");
    for (EnumModel.Constant c : e.constants()) {
      if (c.number() != 0 || fallback != null) {
        fromNumber.addCode("case $L:\n$>return $T.$L;\n$<", c.number(), e.javaName(), c.javaName());
      }
    }
    fromNumber.addCode("default:\n$>return $T.$L;\n$<", e.javaName(), unknown).endControlFlow();
    MethodSpec.Builder toNumber =
        MethodSpec.methodBuilder("toNumber")
            .addModifiers(Modifier.STATIC)
            .returns(int.class)
            .addParameter(e.javaName(), "value");
    if (fallback == null) {
      toNumber.addStatement("return NUMBERS[value.ordinal()]");
    } else {
      toNumber
          .addJavadoc("Throws for {@code $L}, which has no number.\n", fallback.javaName())
          .addStatement(
              "return value == $T.$L$W? $T.unrecognizedNumber($S)$W: NUMBERS[value.ordinal()]",
              e.javaName(),
              fallback.javaName(),
              RuntimeTypes.MESSAGES,
              e.protoName());
    }
    TypeSpec.Builder builder =
        TypeSpec.classBuilder(e.codec())
            .addJavadoc("Wire numbers of enum {@code $L}.\n", e.protoName());
    return builder
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addField(
            FieldSpec.builder(
                    ArrayTypeName.of(int.class),
                    "NUMBERS",
                    Modifier.PRIVATE,
                    Modifier.STATIC,
                    Modifier.FINAL)
                .initializer("{$L}", CodeBlock.join(numbers, ", "))
                .build())
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
        .addMethod(toNumber.build())
        .addMethod(fromNumber.build())
        .addMethod(
            MethodSpec.methodBuilder("packedDataSize")
                .addModifiers(Modifier.STATIC)
                .returns(int.class)
                .addParameter(list, "values")
                .addParameter(String.class, "field")
                .addStatement("int size = 0")
                .beginControlFlow("for ($T value : values)", e.javaName())
                .addStatement(
                    "size +=$W$T.computeEnumSizeNoTag(toNumber($T.checkNotNull(value,$Wfield)))",
                    CODED_OUTPUT,
                    RuntimeTypes.MESSAGES)
                .endControlFlow()
                .addStatement("return size")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("writePacked")
                .addModifiers(Modifier.STATIC)
                .addParameter(CODED_OUTPUT, "out")
                .addParameter(int.class, "number")
                .addParameter(list, "values")
                .addParameter(String.class, "field")
                .addException(IO_EXCEPTION)
                .beginControlFlow("if (values.isEmpty())")
                .addStatement("return")
                .endControlFlow()
                .addStatement("$T.writeHeader(out, number, packedDataSize(values, field))", PACKED)
                .beginControlFlow("for ($T value : values)", e.javaName())
                .addStatement("out.writeEnumNoTag(toNumber(value))")
                .endControlFlow()
                .build())
        .addMethod(
            MethodSpec.methodBuilder("readPacked")
                .addModifiers(Modifier.STATIC)
                .addParameter(CODED_INPUT, "in")
                .addParameter(list, "target")
                .addException(IO_EXCEPTION)
                .addStatement("int oldLimit = in.pushLimit(in.readRawVarint32())")
                .beginControlFlow("while (in.getBytesUntilLimit() > 0)")
                .addStatement("target.add(fromNumber(in.readEnum()))")
                .endControlFlow()
                .addStatement("in.popLimit(oldLimit)")
                .build())
        .build();
  }

  /** Whether the enum has a deprecated constant. */
  static boolean usesDeprecated(EnumModel e) {
    return e.constants().stream().anyMatch(EnumModel.Constant::deprecated);
  }
}
