package dev.typedrpc.processor.codegen;

import static dev.typedrpc.processor.codegen.RuntimeTypes.ACCESS_POLICY;
import static dev.typedrpc.processor.codegen.RuntimeTypes.CALL_KIND;
import static dev.typedrpc.processor.codegen.RuntimeTypes.CALL_OPTIONS;
import static dev.typedrpc.processor.codegen.RuntimeTypes.CLIENT_CALLS;
import static dev.typedrpc.processor.codegen.RuntimeTypes.GENERATED_STUB;
import static dev.typedrpc.processor.codegen.RuntimeTypes.IDEMPOTENCY;
import static dev.typedrpc.processor.codegen.RuntimeTypes.METHOD_DESCRIPTOR;
import static dev.typedrpc.processor.codegen.RuntimeTypes.RPC_CHANNEL;
import static dev.typedrpc.processor.codegen.RuntimeTypes.SERVER_CALLS;
import static dev.typedrpc.processor.codegen.RuntimeTypes.SERVER_SERVICE_DEFINITION;
import static dev.typedrpc.processor.codegen.RuntimeTypes.SERVICE_DESCRIPTOR;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.typedrpc.processor.model.Adapter;
import dev.typedrpc.processor.model.FieldModel;
import dev.typedrpc.processor.model.MessageModel;
import dev.typedrpc.processor.model.MethodModel;
import dev.typedrpc.processor.model.MethodModel.Param;
import dev.typedrpc.processor.model.MethodModel.Style;
import dev.typedrpc.processor.model.ServiceModel;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <Iface>Rpc}: descriptors, stub, dispatcher, skeleton, provider, request records.
 */
public final class RpcClassGenerator {
  private RpcClassGenerator() {}

  public static JavaFile generate(ServiceModel s) {
    ClassName rpc = s.rpcClass();
    TypeSpec.Builder type =
        TypeSpec.classBuilder(rpc)
            .addJavadoc(
                "Client stub, server binding and descriptors of service {@code $L}\n({@link $T}).\n",
                s.serviceName(),
                s.iface())
            .addAnnotation(RuntimeTypes.generated())
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addOriginatingElement(s.origin());
    if (s.methods().stream().anyMatch(MethodModel::deprecated)) {
      type.addAnnotation(RuntimeTypes.suppressDeprecation());
    }
    type.addField(
        FieldSpec.builder(
                String.class, "SERVICE_NAME", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .initializer("$S", s.serviceName())
            .build());
    List<CodeBlock> constants = new ArrayList<>();
    for (MethodModel m : s.methods()) {
      type.addField(descriptor(m));
      constants.add(CodeBlock.of("$N", m.constantName()));
    }
    type.addField(
        FieldSpec.builder(
                SERVICE_DESCRIPTOR, "DESCRIPTOR", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .initializer(
                "$Z$T.of(SERVICE_NAME,$W$L,$W$S,$WfileDescriptor(),$W$T.of($L))",
                SERVICE_DESCRIPTOR,
                s.version(),
                JsonGenerator.fingerprint(s),
                RuntimeTypes.LIST,
                CodeBlock.join(constants, ",$W"))
            .build());
    type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    type.addMethod(fileDescriptor(s));
    type.addMethod(
        MethodSpec.methodBuilder("newStub")
            .addJavadoc(
                "A client of the service over {@code channel}, with default call options.\n")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(s.iface())
            .addParameter(RPC_CHANNEL, "channel")
            .addStatement("return new Stub(channel, $T.DEFAULT)", CALL_OPTIONS)
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("newStub")
            .addJavadoc(
                "A client of the service over {@code channel} whose calls use {@code options}.\n")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(s.iface())
            .addParameter(RPC_CHANNEL, "channel")
            .addParameter(CALL_OPTIONS, "options")
            .addStatement("return new Stub(channel, options)")
            .build());
    type.addMethod(bind(s));
    for (MessageModel m : s.messages()) {
      if (m.kind() == MessageModel.Kind.SYNTHESIZED_RECORD) {
        type.addType(requestRecord(m));
      }
    }
    type.addType(stub(s));
    type.addType(skeleton(s));
    type.addType(provider(s));
    return JavaFile.builder(rpc.packageName(), type.build()).skipJavaLangImports(true).build();
  }

  /** Base64 characters per line of the embedded file descriptor. */
  private static final int BASE64_LINE = 76;

  /**
   * {@code fileDescriptor()}: the schema as a serialized {@code FileDescriptorProto}, embedded as
   * base64 lines (one string each: a schema of any size stays below the class file's limit of 64
   * KiB per constant).
   */
  private static MethodSpec fileDescriptor(ServiceModel s) {
    String base64 =
        Base64.getEncoder().encodeToString(DescriptorGenerator.generate(s).toByteArray());
    List<CodeBlock> lines = new ArrayList<>();
    for (int i = 0; i < base64.length(); i += BASE64_LINE) {
      lines.add(
          CodeBlock.of("$S", base64.substring(i, Math.min(base64.length(), i + BASE64_LINE))));
    }
    return MethodSpec.methodBuilder("fileDescriptor")
        .addJavadoc(
            "The schema as a serialized {@code google.protobuf.FileDescriptorProto}, for gRPC\n")
        .addJavadoc("server reflection: {@code $L}.\n", DescriptorGenerator.fileName(s))
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(RuntimeTypes.BYTE_STRING)
        .addStatement(
            "return $T.copyFrom($T.getDecoder().decode($T.join(\"\",\n$>$>$L)))$<$<",
            RuntimeTypes.BYTE_STRING,
            Base64.class,
            String.class,
            CodeBlock.join(lines, ",\n"))
        .build();
  }

  private static FieldSpec descriptor(MethodModel m) {
    TypeName t = ParameterizedTypeName.get(METHOD_DESCRIPTOR, m.requestType(), m.responseType());
    CodeBlock.Builder init =
        CodeBlock.builder()
            .add(
                "$Z$T.of(SERVICE_NAME,$W$S,$W$T.$L,$W$T.INSTANCE,$W$T.INSTANCE,$W$L)",
                METHOD_DESCRIPTOR,
                m.schemaName(),
                CALL_KIND,
                m.kind().name(),
                m.requestCodec(),
                m.responseCodec(),
                m.since());
    // only what the interface declares, so that descriptors without policy read as before
    if (m.idempotency() != MethodModel.Idempotency.UNKNOWN) {
      init.add("\n$>$>.withIdempotency($T.$L)$<$<", IDEMPOTENCY, m.idempotency().name());
    }
    if (m.position() != null) {
      init.add("\n$>$>.withResumePosition($T::$L)$<$<", m.responseType(), m.position());
    }
    if (m.access().kind() == MethodModel.Access.Kind.ROLES_ALLOWED) {
      List<CodeBlock> roles = new ArrayList<>();
      for (String role : m.access().roles()) {
        roles.add(CodeBlock.of("$S", role));
      }
      init.add(
          "\n$>$>.withAccessPolicy($T.rolesAllowed($L))$<$<",
          ACCESS_POLICY,
          CodeBlock.join(roles, ",$W"));
    } else if (m.access().kind() != MethodModel.Access.Kind.UNDECLARED) {
      init.add("\n$>$>.withAccessPolicy($T.$L)$<$<", ACCESS_POLICY, m.access().kind().name());
    }
    return FieldSpec.builder(t, m.constantName(), Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .initializer(init.build())
        .build();
  }

  private static MethodSpec bind(ServiceModel s) {
    CodeBlock.Builder b =
        CodeBlock.builder().add("return $T.builder(DESCRIPTOR)\n$>$>", SERVER_SERVICE_DEFINITION);
    for (MethodModel m : s.methods()) {
      String register =
          switch (m.kind()) {
            case UNARY -> m.style() == Style.FUTURE ? "unaryAsync" : "unary";
            case SERVER_STREAMING -> "serverStreaming";
            case CLIENT_STREAMING -> "clientStreaming";
            case BIDI_STREAMING -> "bidiStreaming";
          };
      b.add(".$L($N, $L)\n", register, m.constantName(), handler(m));
    }
    b.add(".build();\n$<$<");
    return MethodSpec.methodBuilder("bind")
        .addJavadoc("Routes incoming calls of the service to {@code impl}.\n")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(SERVER_SERVICE_DEFINITION)
        .addParameter(s.iface(), "impl")
        .addCode(b.build())
        .build();
  }

  private static CodeBlock handler(MethodModel m) {
    Adapter result = m.resultAdapter();
    Adapter param = m.paramAdapter();
    CodeBlock call;
    switch (m.request()) {
      case SINGLE_MESSAGE, STREAM -> {
        if (m.style() != Style.VOID && result == null && param == null) {
          return CodeBlock.of("impl::$N", m.javaName());
        }
        CodeBlock arg =
            param == null
                ? CodeBlock.of("request")
                : CodeBlock.of("$T.$L(request)", param.adapter(), param.factory());
        call = CodeBlock.of("impl.$N($L)", m.javaName(), arg);
      }
      case EMPTY -> call = CodeBlock.of("impl.$N()", m.javaName());
      default -> {
        List<CodeBlock> args = new ArrayList<>();
        for (Param p : m.params()) {
          args.add(CodeBlock.of("request.$N()", p.name()));
        }
        call = CodeBlock.of("impl.$N($L)", m.javaName(), CodeBlock.join(args, ",$W"));
      }
    }
    if (m.style() == Style.VOID) {
      return CodeBlock.of("request -> {\n$>$L;\nreturn null;\n$<}", call);
    }
    if (result != null) {
      // the implementation's Flux, Mono, Stream, ... as the runtime's Flow.Publisher or future
      call =
          CodeBlock.of("$T.$L($L)", result.adapter(), result.many() ? "toFlow" : "toFuture", call);
    }
    return CodeBlock.of("request -> $L", call);
  }

  private static TypeSpec requestRecord(MessageModel m) {
    MethodSpec.Builder ctor = MethodSpec.constructorBuilder();
    for (FieldModel f : m.fields()) {
      ctor.addParameter(FieldCode.javaType(f), f.name());
    }
    return TypeSpec.recordBuilder(m.simpleName())
        .addJavadoc("The parameters of one call, as message {@code $L}.\n", m.protoName())
        .addModifiers(Modifier.PUBLIC)
        .recordConstructor(ctor.build())
        .build();
  }

  private static MethodSpec.Builder override(MethodModel m) {
    MethodSpec.Builder b =
        MethodSpec.methodBuilder(m.javaName())
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(m.returnType());
    for (Param p : m.params()) {
      b.addParameter(ParameterSpec.builder(p.type(), p.name()).build());
    }
    return b;
  }

  private static TypeSpec stub(ServiceModel s) {
    TypeSpec.Builder b =
        TypeSpec.classBuilder("Stub")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addSuperinterface(s.iface())
            .addSuperinterface(ParameterizedTypeName.get(GENERATED_STUB, s.iface()))
            .addField(RPC_CHANNEL, "channel", Modifier.PRIVATE, Modifier.FINAL)
            .addField(CALL_OPTIONS, "options", Modifier.PRIVATE, Modifier.FINAL)
            .addMethod(
                MethodSpec.constructorBuilder()
                    .addParameter(RPC_CHANNEL, "channel")
                    .addParameter(CALL_OPTIONS, "options")
                    .addStatement("this.channel = channel")
                    .addStatement("this.options = options")
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("rpcCallOptions")
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .returns(CALL_OPTIONS)
                    .addStatement("return this.options")
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("rpcWithCallOptions")
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .returns(s.iface())
                    .addParameter(CALL_OPTIONS, "options")
                    .addStatement("return new Stub(this.channel, options)")
                    .build());
    for (MethodModel m : s.methods()) {
      String entry =
          switch (m.kind()) {
            case UNARY -> m.style() == Style.FUTURE ? "futureUnary" : "blockingUnary";
            case SERVER_STREAMING -> "serverStreaming";
            case CLIENT_STREAMING -> "clientStreaming";
            case BIDI_STREAMING -> "bidiStreaming";
          };
      CodeBlock call =
          CodeBlock.of(
              "$T.$L(this.channel,$W$N,$Wthis.options,$W$L)",
              CLIENT_CALLS,
              entry,
              m.constantName(),
              request(m));
      Adapter result = m.resultAdapter();
      if (result != null) {
        // a stream becomes the result type at once; a single value starts its call on subscribe
        call =
            result.many()
                ? CodeBlock.of("$T.$L($L)", result.adapter(), result.factory(), call)
                : CodeBlock.of("$T.$L(() -> $L)", result.adapter(), result.factory(), call);
      }
      MethodSpec.Builder method = override(m);
      if (m.style() == Style.VOID) {
        method.addStatement("$L", call);
      } else {
        method.addStatement("return $L", call);
      }
      b.addMethod(method.build());
    }
    return b.build();
  }

  private static CodeBlock request(MethodModel m) {
    return switch (m.request()) {
      case EMPTY -> CodeBlock.of("null");
      case SINGLE_MESSAGE -> CodeBlock.of("$N", m.params().get(0).name());
      case STREAM ->
          m.paramAdapter() == null
              ? CodeBlock.of("$N", m.params().get(0).name())
              : CodeBlock.of("$T.toFlow($N)", m.paramAdapter().adapter(), m.params().get(0).name());
      case SYNTHESIZED -> {
        List<CodeBlock> args = new ArrayList<>();
        for (Param p : m.params()) {
          args.add(CodeBlock.of("$N", p.name()));
        }
        yield CodeBlock.of("new $T($L)", m.requestType(), CodeBlock.join(args, ",$W"));
      }
    };
  }

  private static TypeSpec skeleton(ServiceModel s) {
    TypeSpec.Builder b =
        TypeSpec.classBuilder("Skeleton")
            .addJavadoc(
                "A server implementation to extend: every method fails with {@code UNIMPLEMENTED}\n")
            .addJavadoc("until overridden.\n")
            .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT, Modifier.STATIC)
            .addSuperinterface(s.iface());
    for (MethodModel m : s.methods()) {
      b.addMethod(
          override(m)
              .addStatement("throw $T.unimplemented($N)", SERVER_CALLS, m.constantName())
              .build());
    }
    return b.build();
  }

  private static TypeSpec provider(ServiceModel s) {
    ClassName iface = s.iface();
    return TypeSpec.classBuilder("Provider")
        .addJavadoc("Found by {@link java.util.ServiceLoader}; stateless.\n")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
        .addSuperinterface(ParameterizedTypeName.get(RuntimeTypes.GENERATED_SERVICE, iface))
        .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC).build())
        .addMethod(
            MethodSpec.methodBuilder("serviceInterface")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(ParameterizedTypeName.get(ClassName.get(Class.class), iface))
                .addStatement("return $T.class", iface)
                .build())
        .addMethod(
            MethodSpec.methodBuilder("descriptor")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(SERVICE_DESCRIPTOR)
                .addStatement("return DESCRIPTOR")
                .build())
        .addMethod(
            MethodSpec.methodBuilder("newStub")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(iface)
                .addParameter(RPC_CHANNEL, "channel")
                .addParameter(CALL_OPTIONS, "options")
                .addStatement("return $T.newStub(channel, options)", s.rpcClass())
                .build())
        .addMethod(
            MethodSpec.methodBuilder("bind")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(SERVER_SERVICE_DEFINITION)
                .addParameter(iface, "implementation")
                .addStatement("return $T.bind(implementation)", s.rpcClass())
                .build())
        .build();
  }
}
