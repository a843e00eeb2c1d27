package dev.typedrpc.processor.codegen;

import static dev.typedrpc.processor.codegen.JsonFieldCode.JSON_CODEC;
import static dev.typedrpc.processor.codegen.JsonFieldCode.JSON_GENERATOR;
import static dev.typedrpc.processor.codegen.JsonFieldCode.JSON_PARSER;
import static dev.typedrpc.processor.codegen.JsonFieldCode.JSON_VALUES;
import static dev.typedrpc.processor.codegen.RuntimeTypes.IO_EXCEPTION;
import static dev.typedrpc.processor.codegen.RuntimeTypes.MESSAGES;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.typedrpc.processor.model.FieldModel;
import dev.typedrpc.processor.model.MessageModel;
import dev.typedrpc.processor.model.MessageModel.OneofCase;
import dev.typedrpc.processor.model.ValueType;
import dev.typedrpc.processor.model.ValueType.EnumValue;
import dev.typedrpc.processor.model.ValueType.MessageValue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <Name>JsonCodec implements JsonCodec<Name>}, the proto3 JSON codec of one
 * message, nested in the service's {@code <Iface>RpcJsonCodecs}. It writes fields in schema order
 * under their JSON names, omits defaults as the binary codec does, and reads fields by JSON or
 * proto name, skipping unknown ones.
 */
public final class JsonCodecGenerator {
  private JsonCodecGenerator() {}

  public static TypeSpec generate(MessageModel m) {
    ClassName codec = JsonNames.messageCodec(m.codec());
    TypeSpec.Builder type =
        TypeSpec.classBuilder(codec)
            .addJavadoc("Proto3 JSON codec of message {@code $L}.\n", m.protoName())
            .addModifiers(Modifier.STATIC, Modifier.FINAL)
            .addSuperinterface(ParameterizedTypeName.get(JSON_CODEC, m.javaType()))
            .addField(
                FieldSpec.builder(codec, "INSTANCE", Modifier.STATIC, Modifier.FINAL)
                    .initializer("new $T()", codec)
                    .build())
            .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    MethodSpec.Builder write =
        MethodSpec.methodBuilder("write")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(m.javaType(), "value")
            .addParameter(JSON_GENERATOR, "out")
            .addParameter(int.class, "depth")
            .addException(IO_EXCEPTION)
            .addStatement("out.writeStartObject()");
    MethodSpec.Builder read =
        MethodSpec.methodBuilder("read")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(m.javaType())
            .addParameter(JSON_PARSER, "in")
            .addParameter(int.class, "depth")
            .addException(IO_EXCEPTION);
    if (m.kind() == MessageModel.Kind.ONEOF) {
      oneof(m, write, read);
    } else {
      fields(m, write, read);
    }
    write.addStatement("out.writeEndObject()");
    return type.addMethod(write.build()).addMethod(read.build()).build();
  }

  /** {@code json()} of the binary codec: this JSON codec. */
  static MethodSpec jsonMethod(MessageModel m) {
    return MethodSpec.methodBuilder("json")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(ParameterizedTypeName.get(JSON_CODEC, m.javaType()))
        .addStatement("return $T.INSTANCE", JsonNames.messageCodec(m.codec()))
        .build();
  }

  /** The {@code case} labels of a field: its JSON name, and its proto name if that differs. */
  private static CodeBlock labels(String protoName) {
    Set<String> names = new LinkedHashSet<>();
    names.add(JsonNames.jsonName(protoName));
    names.add(protoName);
    CodeBlock.Builder b = CodeBlock.builder();
    for (String name : names) {
      b.add("case $S:\n", name);
    }
    return b.build();
  }

  private static void oneof(MessageModel m, MethodSpec.Builder write, MethodSpec.Builder read) {
    boolean first = true;
    for (OneofCase c : m.cases()) {
      String test = "value instanceof $T message";
      if (first) {
        write.beginControlFlow("if (" + test + ")", c.type().javaName());
        first = false;
      } else {
        write.nextControlFlow("else if (" + test + ")", c.type().javaName());
      }
      write
          .addStatement("out.writeFieldName($S)", JsonNames.jsonName(c.protoName()))
          .addStatement("$L", JsonFieldCode.write(c.type(), "message"));
    }
    if (m.unrecognized() != null) {
      // proto3 JSON names a case by its field name, which this version does not know: an
      // @Unrecognized case cannot be written (as an @Unrecognized enum constant cannot)
      write
          .nextControlFlow("else if (value instanceof $T unknown)", m.unrecognized())
          .addStatement(
              "throw $T.unrecognizedCase($S,$Wunknown.fieldNumber())", JSON_VALUES, m.protoName());
    }
    String unknown = "Unknown case of " + m.simpleName() + ": ";
    write
        .nextControlFlow("else")
        .addStatement(
            "throw new $T($S + $T.checkNotNull(value,$W$S).getClass().getName())",
            IllegalArgumentException.class,
            unknown,
            MESSAGES,
            m.simpleName())
        .endControlFlow();

    read.addStatement("$T result = null", m.javaType());
    read.beginControlFlow("while ($T.nextField(in))", JSON_VALUES);
    read.beginControlFlow("switch (in.currentName())");
    for (OneofCase c : m.cases()) {
      read.addCode(labels(c.protoName())).addCode("$>");
      read.beginControlFlow("if ($T.present(in))", JSON_VALUES)
          .beginControlFlow("if (result != null)")
          .addStatement("throw $T.duplicateCase(in,$W$S)", JSON_VALUES, m.protoName())
          .endControlFlow()
          .addStatement("result = $L", JsonFieldCode.read(c.type(), "null"))
          .endControlFlow()
          .addStatement("break")
          .addCode("$<");
    }
    read.addCode("default:\n$>").addStatement("$T.skip(in)", JSON_VALUES).addCode("$<");
    read.endControlFlow().endControlFlow();
    read.beginControlFlow("if (result == null)")
        .addStatement("throw $T.noCase(in,$W$S)", JSON_VALUES, m.protoName())
        .endControlFlow()
        .addStatement("return result");
  }

  private static void fields(MessageModel m, MethodSpec.Builder write, MethodSpec.Builder read) {
    boolean wrapper = m.kind() == MessageModel.Kind.VALUE_WRAPPER;
    for (FieldModel f : m.fields()) {
      write.addCode(local(m, f, wrapper));
      write.addCode(writeField(m, f));
      read.addStatement("$T $L = $L", decodeType(f), local(f), initial(f));
    }
    // a field whose proto name differs from its JSON name may come under both: the parser rejects
    // a name given twice, "seen" a field given under its two names (the first 64 such fields)
    int aliased = 0;
    for (FieldModel f : m.fields()) {
      if (!JsonNames.jsonName(f.protoName()).equals(f.protoName())) {
        aliased++;
      }
    }
    if (aliased > 0) {
      read.addStatement("long seen = 0L");
    }
    read.beginControlFlow("while ($T.nextField(in))", JSON_VALUES);
    read.beginControlFlow("switch (in.currentName())");
    int alias = 0;
    for (FieldModel f : m.fields()) {
      read.addCode(labels(f.protoName())).addCode("$>");
      if (!JsonNames.jsonName(f.protoName()).equals(f.protoName()) && alias < 64) {
        read.addStatement("seen = $T.once(in,$Wseen,$W1L << $L)", JSON_VALUES, alias++);
      }
      read.beginControlFlow("if ($T.present(in))", JSON_VALUES)
          .addCode(readField(f))
          .endControlFlow()
          .addStatement("break")
          .addCode("$<");
    }
    read.addCode("default:\n$>").addStatement("$T.skip(in)", JSON_VALUES).addCode("$<");
    read.endControlFlow().endControlFlow();
    List<CodeBlock> args = new ArrayList<>();
    for (FieldModel f : m.fields()) {
      args.add(finish(f));
    }
    if (wrapper) {
      read.addStatement("return $L", args.get(0));
    } else {
      read.addStatement("return new $T($L)", m.javaType(), CodeBlock.join(args, ",$W"));
    }
  }

  private static String local(FieldModel f) {
    return f.name() + "_";
  }

  /** {@code T name_ = value.name();}, null-checked when the field must not be null. */
  private static CodeBlock local(MessageModel m, FieldModel f, boolean wrapper) {
    String access = wrapper ? "value" : "value." + f.name() + "()";
    TypeName type = FieldCode.javaType(f);
    boolean nullable =
        f.label() == FieldModel.Label.OPTIONAL && f.presence() == FieldModel.Presence.NULLABLE;
    if (nullable || (!wrapper && f.primitive())) {
      return CodeBlock.of("$T $L = $L;\n", type, local(f), access);
    }
    return CodeBlock.of(
        "$T $L = $T.checkNotNull($L,$W$S);\n",
        type,
        local(f),
        MESSAGES,
        access,
        m.simpleName() + "." + f.name());
  }

  private static CodeBlock writeField(MessageModel m, FieldModel f) {
    ValueType v = f.value();
    String x = local(f);
    String name = JsonNames.jsonName(f.protoName());
    String owner = m.simpleName() + "." + f.name();
    CodeBlock.Builder b = CodeBlock.builder();
    switch (f.label()) {
      case SINGULAR -> {
        if (FieldCode.hasDefault(v)) {
          b.beginControlFlow("if ($L)", FieldCode.nonDefault(v, x));
        }
        // a message or well-known type is always written, as by the binary codec
        b.addStatement("out.writeFieldName($S)", name)
            .addStatement("$L", JsonFieldCode.write(v, x));
        if (FieldCode.hasDefault(v)) {
          b.endControlFlow();
        }
      }
      case OPTIONAL -> {
        boolean wrapped = f.presence() == FieldModel.Presence.OPTIONAL;
        b.beginControlFlow(wrapped ? "if ($L.isPresent())" : "if ($L != null)", x)
            .addStatement("out.writeFieldName($S)", name)
            .addStatement("$L", JsonFieldCode.write(v, wrapped ? x + ".get()" : x))
            .endControlFlow();
      }
      case REPEATED -> {
        b.beginControlFlow("if (!$L.isEmpty())", x)
            .addStatement("out.writeArrayFieldStart($S)", name)
            .beginControlFlow("for ($T element : $L)", FieldCode.boxed(v), x)
            .addStatement(
                "$L",
                JsonFieldCode.write(
                    v, CodeBlock.of("$T.checkNotNull(element,$W$S)", MESSAGES, owner + " element")))
            .endControlFlow()
            .addStatement("out.writeEndArray()")
            .endControlFlow();
      }
      case MAP -> {
        b.beginControlFlow("if (!$L.isEmpty())", x)
            .addStatement("out.writeObjectFieldStart($S)", name)
            .beginControlFlow("for ($T entry : $L.entrySet())", FieldSizes.entryType(f), x)
            .addStatement(
                "out.writeFieldName($L)",
                JsonFieldCode.keyName(
                    f.key(),
                    CodeBlock.of("$T.checkNotNull(entry.getKey(),$W$S)", MESSAGES, owner + " key")))
            .addStatement(
                "$L",
                JsonFieldCode.write(
                    v,
                    CodeBlock.of(
                        "$T.checkNotNull(entry.getValue(),$W$S)", MESSAGES, owner + " value")))
            .endControlFlow()
            .addStatement("out.writeEndObject()")
            .endControlFlow();
      }
    }
    return b.build();
  }

  private static CodeBlock readField(FieldModel f) {
    ValueType v = f.value();
    String x = local(f);
    boolean isEnum = v instanceof EnumValue;
    CodeBlock.Builder b = CodeBlock.builder();
    switch (f.label()) {
      case SINGULAR, OPTIONAL -> b.addStatement("$L = $L", x, JsonFieldCode.read(v, x));
      case REPEATED -> {
        b.addStatement("$T.startArray(in)", JSON_VALUES)
            .addStatement("$L = new $T<>()", x, RuntimeTypes.ARRAY_LIST)
            .beginControlFlow("while ($T.nextElement(in))", JSON_VALUES);
        if (isEnum) {
          b.addStatement("$T element = $L", FieldCode.boxed(v), JsonFieldCode.read(v, "null"))
              .beginControlFlow("if (element != null)")
              .add("// an unknown enum name is skipped, as proto3 JSON parsers do\n")
              .addStatement("$L.add(element)", x)
              .endControlFlow();
        } else {
          b.addStatement("$L.add($L)", x, JsonFieldCode.read(v, "null"));
        }
        b.endControlFlow();
      }
      case MAP -> {
        b.addStatement("$T.startObject(in)", JSON_VALUES)
            .addStatement("$L = new $T<>()", x, RuntimeTypes.LINKED_HASH_MAP)
            .beginControlFlow("while ($T.nextField(in))", JSON_VALUES);
        if (isEnum) {
          b.addStatement("$T mapValue = $L", FieldCode.boxed(v), JsonFieldCode.read(v, "null"))
              .beginControlFlow("if (mapValue != null)")
              .addStatement("$L.put($L,$WmapValue)", x, JsonFieldCode.readKey(f.key()))
              .endControlFlow();
        } else {
          b.addStatement(
              "$L.put($L,$W$L)", x, JsonFieldCode.readKey(f.key()), JsonFieldCode.read(v, "null"));
        }
        b.endControlFlow();
      }
    }
    return b.build();
  }

  private static TypeName decodeType(FieldModel f) {
    return switch (f.label()) {
      case SINGULAR -> FieldCode.javaType(f);
      case OPTIONAL -> FieldCode.boxed(f.value());
      case REPEATED ->
          ParameterizedTypeName.get(RuntimeTypes.ARRAY_LIST, FieldCode.boxed(f.value()));
      case MAP ->
          ParameterizedTypeName.get(
              RuntimeTypes.LINKED_HASH_MAP, FieldCode.boxed(f.key()), FieldCode.boxed(f.value()));
    };
  }

  private static boolean isMessage(FieldModel f) {
    return f.value() instanceof MessageValue;
  }

  private static CodeBlock initial(FieldModel f) {
    if (f.label() == FieldModel.Label.SINGULAR && !isMessage(f)) {
      return FieldCode.defaultValue(f.value());
    }
    return CodeBlock.of("null");
  }

  /** The constructor argument for field {@code f} after the read loop. */
  private static CodeBlock finish(FieldModel f) {
    String x = local(f);
    return switch (f.label()) {
      case SINGULAR ->
          isMessage(f)
              ? CodeBlock.of("$L == null ? $L : $L", x, FieldCode.defaultValue(f.value()), x)
              : CodeBlock.of("$L", x);
      case OPTIONAL ->
          f.presence() == FieldModel.Presence.OPTIONAL
              ? CodeBlock.of("$T.ofNullable($L)", RuntimeTypes.OPTIONAL, x)
              : CodeBlock.of("$L", x);
      case REPEATED ->
          CodeBlock.of(
              "$L == null ? $T.of() : $T.unmodifiableList($L)",
              x,
              RuntimeTypes.LIST,
              RuntimeTypes.COLLECTIONS,
              x);
      case MAP ->
          CodeBlock.of(
              "$L == null ? $T.of() : $T.unmodifiableMap($L)",
              x,
              RuntimeTypes.MAP,
              RuntimeTypes.COLLECTIONS,
              x);
    };
  }
}
