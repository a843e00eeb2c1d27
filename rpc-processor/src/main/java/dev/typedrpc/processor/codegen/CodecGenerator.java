package dev.typedrpc.processor.codegen;

import static dev.typedrpc.processor.codegen.RuntimeTypes.CODED_INPUT;
import static dev.typedrpc.processor.codegen.RuntimeTypes.CODED_OUTPUT;
import static dev.typedrpc.processor.codegen.RuntimeTypes.INVALID_PROTOCOL_BUFFER;
import static dev.typedrpc.processor.codegen.RuntimeTypes.IO_EXCEPTION;
import static dev.typedrpc.processor.codegen.RuntimeTypes.MESSAGES;
import static dev.typedrpc.processor.codegen.RuntimeTypes.MESSAGE_CODEC;
import static dev.typedrpc.processor.codegen.RuntimeTypes.WIRE_FORMAT;

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
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <Name>Codec implements MessageCodec<Name>} for one message, a class nested in
 * the service's {@code <Iface>RpcCodecs}.
 */
public final class CodecGenerator {
  private CodecGenerator() {}

  public static TypeSpec generate(MessageModel m) {
    ClassName codec = m.codec();
    TypeSpec.Builder type =
        TypeSpec.classBuilder(codec)
            .addJavadoc("Protocol Buffers codec of message {@code $L}.\n", m.protoName())
            .addModifiers(Modifier.STATIC, Modifier.FINAL)
            .addSuperinterface(ParameterizedTypeName.get(MESSAGE_CODEC, m.javaType()))
            .addField(
                FieldSpec.builder(codec, "INSTANCE", Modifier.STATIC, Modifier.FINAL)
                    .initializer("new $T()", codec)
                    .build())
            .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
            .addMethod(JsonCodecGenerator.jsonMethod(m));
    if (m.kind() == MessageModel.Kind.ONEOF) {
      OneofCodec.addMethods(type, m);
    } else {
      new FieldsCodec(m).addMethods(type);
    }
    return type.build();
  }

  /** Whether the message's codec uses a deprecated field or case. */
  static boolean usesDeprecated(MessageModel m) {
    return m.fields().stream().anyMatch(FieldModel::deprecated)
        || m.cases().stream().anyMatch(OneofCase::deprecated);
  }

  /** The size pass of a message nested {@code depth} deep; nested messages at {@code depth + 1}. */
  static MethodSpec.Builder encodedSize(MessageModel m) {
    return MethodSpec.methodBuilder("encodedSize")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(int.class)
        .addParameter(m.javaType(), "value")
        .addParameter(int.class, "depth");
  }

  /** The top-level size pass. */
  static MethodSpec topLevelSize(MessageModel m) {
    return MethodSpec.methodBuilder("encodedSize")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(int.class)
        .addParameter(m.javaType(), "value")
        .addStatement("return encodedSize(value, 0)")
        .build();
  }

  static MethodSpec.Builder encode(MessageModel m) {
    return MethodSpec.methodBuilder("encode")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .addParameter(m.javaType(), "value")
        .addParameter(CODED_OUTPUT, "out")
        .addException(IO_EXCEPTION);
  }

  static MethodSpec.Builder decode(MessageModel m) {
    return MethodSpec.methodBuilder("decode")
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(m.javaType())
        .addParameter(CODED_INPUT, "in")
        .addParameter(int.class, "depth")
        .addException(IO_EXCEPTION);
  }

  static MethodSpec.Builder defaultValue(MessageModel m) {
    return MethodSpec.methodBuilder("defaultValue")
        .addJavadoc("The value an absent {@code $L} field decodes to.\n", m.protoName())
        .addModifiers(Modifier.STATIC)
        .returns(m.javaType())
        .addException(INVALID_PROTOCOL_BUFFER);
  }

  /**
   * A sealed interface: exactly one case is written; decoding keeps the last case read. An unknown
   * case (a length-delimited field of another number) decodes to the {@code @Unrecognized} record,
   * or else fails the decode naming the case.
   */
  private static final class OneofCodec {
    static void addMethods(TypeSpec.Builder type, MessageModel m) {
      MethodSpec.Builder size = encodedSize(m);
      MethodSpec.Builder encode = encode(m);
      ClassName unknownType = m.unrecognized();
      if (unknownType != null) {
        size.beginControlFlow("if (value instanceof $T unknown)", unknownType)
            .addStatement(
                "return $T.computeByteArraySize(unknown.fieldNumber(),$Wunknown.bytes())",
                RuntimeTypes.CODED_OUTPUT)
            .endControlFlow();
        encode
            .beginControlFlow("if (value instanceof $T unknown)", unknownType)
            .addStatement("out.writeByteArray(unknown.fieldNumber(), unknown.bytes())")
            .addStatement("return")
            .endControlFlow();
      }
      for (OneofCase c : m.cases()) {
        ClassName caseType = c.type().javaName();
        size.beginControlFlow("if (value instanceof $T message)", caseType)
            .addStatement(
                "return $T.sizeOf($L,$W$T.INSTANCE,$Wmessage,$Wdepth)",
                MESSAGES,
                c.number(),
                c.type().codec())
            .endControlFlow();
        encode
            .beginControlFlow("if (value instanceof $T message)", caseType)
            .addStatement(
                "$T.write(out,$W$L,$W$T.INSTANCE,$Wmessage)",
                MESSAGES,
                c.number(),
                c.type().codec())
            .addStatement("return")
            .endControlFlow();
      }
      String unknown = "Unknown case of " + m.simpleName() + ": ";
      size.addStatement(
          "throw new $T($S + $T.checkNotNull(value,$W$S).getClass().getName())",
          IllegalArgumentException.class,
          unknown,
          MESSAGES,
          m.simpleName());
      encode.addStatement(
          "throw new $T($S + $T.checkNotNull(value,$W$S).getClass().getName())",
          IllegalArgumentException.class,
          unknown,
          MESSAGES,
          m.simpleName());

      MethodSpec.Builder decode = decode(m);
      decode.addStatement("$T result = null", m.javaType());
      if (unknownType == null) {
        decode.addStatement("int skipped = 0");
      }
      decode.beginControlFlow("loop:\nwhile (true)");
      decode.addStatement("int tag = in.readTag()");
      decode.beginControlFlow("switch (tag)");
      decode.addCode("case 0:\n$>break loop;\n$<");
      for (OneofCase c : m.cases()) {
        decode.addCode(
            "case $L:\n$>result = $T.read(in,$W$T.INSTANCE,$Wdepth);\nbreak;\n$<",
            FieldCode.tag(c.number(), 2),
            MESSAGES,
            c.type().codec());
      }
      if (unknownType != null) {
        decode.addCode("default:\n$>");
        decode.beginControlFlow(
            "if ($T.getTagWireType(tag) == $T.WIRETYPE_LENGTH_DELIMITED)",
            WIRE_FORMAT,
            WIRE_FORMAT);
        decode.addStatement(
            "result = new $T($T.getTagFieldNumber(tag),$Win.readByteArray())",
            unknownType,
            WIRE_FORMAT);
        decode.nextControlFlow("else if (!in.skipField(tag))");
        decode.addStatement("break loop");
        decode.endControlFlow();
        decode.addStatement("break").addCode("$<");
      } else {
        decode.addCode("default:\n$>");
        decode.addStatement("skipped = $T.skippedCase(tag,$Wskipped)", MESSAGES);
        decode
            .beginControlFlow("if (!in.skipField(tag))")
            .addStatement("break loop")
            .endControlFlow();
        decode.addStatement("break").addCode("$<");
      }
      decode.endControlFlow().endControlFlow();
      decode.beginControlFlow("if (result == null)");
      decode.addStatement(
          unknownType == null ? "throw $T.noCaseSet($S,$Wskipped)" : "throw $T.noCaseSet($S)",
          MESSAGES,
          m.protoName());
      decode.endControlFlow();
      decode.addStatement("return result");

      type.addMethod(topLevelSize(m))
          .addMethod(size.build())
          .addMethod(encode.build())
          .addMethod(decode.build())
          .addMethod(
              defaultValue(m)
                  .addJavadoc("Always throws: a oneof without a known case has no value.\n")
                  .addStatement("throw $T.noCaseSet($S)", MESSAGES, m.protoName())
                  .build());
    }
  }

  /** Records, synthesized requests and value wrappers: a list of fields. */
  private static final class FieldsCodec {
    private final MessageModel m;
    private final boolean wrapper;
    private final List<MethodSpec> entryReaders = new ArrayList<>();

    FieldsCodec(MessageModel m) {
      this.m = m;
      this.wrapper = m.kind() == MessageModel.Kind.VALUE_WRAPPER;
    }

    void addMethods(TypeSpec.Builder type) {
      MethodSpec.Builder size = encodedSize(m).addStatement("int size = 0");
      MethodSpec.Builder encode = encode(m);
      MethodSpec.Builder decode = decode(m);
      for (FieldModel f : m.fields()) {
        size.addCode(local(f));
        size.addCode(FieldSizes.size(f, local(f.name()), m.simpleName()));
        encode.addCode(local(f));
        encode.addCode(FieldSizes.write(f, local(f.name()), m.simpleName()));
        decode.addStatement("$T $L = $L", decodeType(f), local(f.name()), initial(f));
      }
      size.addStatement("return size");
      decode.beginControlFlow("loop:\nwhile (true)");
      decode.addStatement("int tag = in.readTag()");
      decode.beginControlFlow("switch (tag)");
      decode.addCode("case 0:\n$>break loop;\n$<");
      for (FieldModel f : m.fields()) {
        decode.addCode(cases(f));
      }
      decode.addCode("default:\n$>if (!in.skipField(tag)) {\n$>break loop;\n$<}\nbreak;\n$<");
      decode.endControlFlow().endControlFlow();
      List<CodeBlock> args = new ArrayList<>();
      List<CodeBlock> defaults = new ArrayList<>();
      for (FieldModel f : m.fields()) {
        args.add(finish(f));
        defaults.add(absent(f));
      }
      if (wrapper) {
        decode.addStatement("return $L", args.get(0));
      } else {
        decode.addStatement("return new $T($L)", m.javaType(), CodeBlock.join(args, ",$W"));
      }
      type.addMethod(topLevelSize(m))
          .addMethod(size.build())
          .addMethod(encode.build())
          .addMethod(decode.build());
      if (m.kind() == MessageModel.Kind.RECORD) {
        type.addMethod(
            defaultValue(m)
                .addStatement("return new $T($L)", m.javaType(), CodeBlock.join(defaults, ",$W"))
                .build());
      }
      type.addMethods(entryReaders);
    }

    static String local(String name) {
      return name + "_";
    }

    /** {@code T name_ = value.name();}, null-checked when the field must not be null. */
    private CodeBlock local(FieldModel f) {
      String access = wrapper ? "value" : "value." + f.name() + "()";
      TypeName type = FieldCode.javaType(f);
      boolean nullable =
          f.label() == FieldModel.Label.OPTIONAL && f.presence() == FieldModel.Presence.NULLABLE;
      if (nullable || (!wrapper && f.primitive())) {
        return CodeBlock.of("$T $L = $L;\n", type, local(f.name()), access);
      }
      return CodeBlock.of(
          "$T $L = $T.checkNotNull($L,$W$S);\n",
          type,
          local(f.name()),
          MESSAGES,
          access,
          m.simpleName() + "." + f.name());
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
      return f.value() instanceof dev.typedrpc.processor.model.ValueType.MessageValue;
    }

    private static CodeBlock initial(FieldModel f) {
      if (f.label() == FieldModel.Label.SINGULAR && !isMessage(f)) {
        return FieldCode.defaultValue(f.value());
      }
      return CodeBlock.of("null");
    }

    /** The constructor argument for field {@code f} after the read loop. */
    private static CodeBlock finish(FieldModel f) {
      String x = local(f.name());
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

    /** The value of field {@code f} in the default instance. */
    private static CodeBlock absent(FieldModel f) {
      return switch (f.label()) {
        case SINGULAR -> FieldCode.defaultValue(f.value());
        case OPTIONAL ->
            f.presence() == FieldModel.Presence.OPTIONAL
                ? CodeBlock.of("$T.empty()", RuntimeTypes.OPTIONAL)
                : CodeBlock.of("null");
        case REPEATED -> CodeBlock.of("$T.of()", RuntimeTypes.LIST);
        case MAP -> CodeBlock.of("$T.of()", RuntimeTypes.MAP);
      };
    }

    private CodeBlock cases(FieldModel f) {
      String x = local(f.name());
      int wire = f.value().wireType();
      CodeBlock.Builder b = CodeBlock.builder();
      switch (f.label()) {
        case SINGULAR, OPTIONAL -> {
          b.add("case $L:\n$>", FieldCode.tag(f.number(), wire));
          b.addStatement("$L = $L", x, FieldCode.read(f.value(), "depth"));
          b.addStatement("break").add("$<");
        }
        case REPEATED -> {
          b.add("case $L:\n$>", FieldCode.tag(f.number(), wire));
          b.add(ensureList(x));
          b.addStatement("$L.add($L)", x, FieldCode.read(f.value(), "depth"));
          b.addStatement("break").add("$<");
          if (f.value().packable()) {
            b.add("case $L:\n$>", FieldCode.tag(f.number(), 2));
            b.add(ensureList(x));
            b.addStatement("$L", FieldSizes.readPacked(f.value(), x));
            b.addStatement("break").add("$<");
          }
        }
        case MAP -> {
          String reader =
              "read" + Character.toUpperCase(f.name().charAt(0)) + f.name().substring(1) + "Entry";
          b.add("case $L:\n$>", FieldCode.tag(f.number(), 2));
          b.beginControlFlow("if ($L == null)", x)
              .addStatement("$L = new $T<>()", x, RuntimeTypes.LINKED_HASH_MAP)
              .endControlFlow();
          b.addStatement("$L(in,$W$L,$Wdepth)", reader, x);
          b.addStatement("break").add("$<");
          entryReaders.add(MapEntries.reader(reader, f));
        }
      }
      return b.build();
    }

    private static CodeBlock ensureList(String x) {
      return CodeBlock.builder()
          .beginControlFlow("if ($L == null)", x)
          .addStatement("$L = new $T<>()", x, RuntimeTypes.ARRAY_LIST)
          .endControlFlow()
          .build();
    }
  }
}
