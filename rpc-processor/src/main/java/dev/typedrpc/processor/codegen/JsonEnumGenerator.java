package dev.typedrpc.processor.codegen;

import static dev.typedrpc.processor.codegen.JsonFieldCode.JSON_GENERATOR;
import static dev.typedrpc.processor.codegen.JsonFieldCode.JSON_PARSER;
import static dev.typedrpc.processor.codegen.JsonFieldCode.JSON_VALUES;
import static dev.typedrpc.processor.codegen.RuntimeTypes.IO_EXCEPTION;

import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.typedrpc.processor.model.EnumModel;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <Enum>Json}, nested in the service's {@code <Iface>RpcJsonCodecs}: an enum value
 * in proto3 JSON is its schema name ({@code "KIND_BOT"}); a number is accepted on read.
 */
public final class JsonEnumGenerator {
  private JsonEnumGenerator() {}

  public static TypeSpec generate(EnumModel e) {
    MethodSpec.Builder write =
        MethodSpec.methodBuilder("write")
            .addModifiers(Modifier.STATIC)
            .addParameter(JSON_GENERATOR, "out")
            .addParameter(e.javaName(), "value")
            .addException(IO_EXCEPTION);
    write.beginControlFlow("switch (value)");
    for (EnumModel.Constant c : e.constants()) {
      write
          .addCode("case $L:\n$>", c.javaName())
          .addStatement("out.writeString($S)", c.protoName());
      write.addStatement("break").addCode("$<");
    }
    // only an @Unrecognized constant, which has no name (nor number) to write
    write
        .addCode("default:\n$>")
        .addStatement("throw $T.unrecognizedConstant($S)", JSON_VALUES, e.protoName())
        .addCode("$<")
        .endControlFlow();

    MethodSpec.Builder read =
        MethodSpec.methodBuilder("read")
            .addJavadoc(
                "Reads a name or a number; an unknown name reads as {@code absent}, an unknown"
                    + " number\nas {@link $T#fromNumber} has it.\n",
                e.codec())
            .addModifiers(Modifier.STATIC)
            .returns(e.javaName())
            .addParameter(JSON_PARSER, "in")
            .addParameter(e.javaName(), "absent")
            .addException(IO_EXCEPTION);
    read.beginControlFlow("if ($T.isNumber(in))", JSON_VALUES)
        .addStatement("return $T.fromNumber($T.readInt32(in))", e.codec(), JSON_VALUES)
        .endControlFlow();
    read.beginControlFlow("switch ($T.enumName(in))", JSON_VALUES);
    for (EnumModel.Constant c : e.constants()) {
      read.addCode("case $S:\n$>", c.protoName())
          .addStatement("return $T.$L", e.javaName(), c.javaName())
          .addCode("$<");
    }
    read.addCode("default:\n$>").addStatement("return absent").addCode("$<").endControlFlow();

    return TypeSpec.classBuilder(JsonNames.enumNames(e.codec()))
        .addJavadoc("Proto3 JSON names of enum {@code $L}.\n", e.protoName())
        .addModifiers(Modifier.STATIC, Modifier.FINAL)
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
        .addMethod(write.build())
        .addMethod(read.build())
        .build();
  }
}
