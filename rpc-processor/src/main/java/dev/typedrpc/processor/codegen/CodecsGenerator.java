package dev.typedrpc.processor.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.typedrpc.processor.model.EnumModel;
import dev.typedrpc.processor.model.MessageModel;
import dev.typedrpc.processor.model.ServiceModel;
import javax.lang.model.element.Modifier;

/**
 * Generates {@code <Iface>RpcCodecs}: a package-private class holding one nested codec per message
 * and enum of the service, so that codecs add no public type to the user's package. A message used
 * by several services has a codec in each (the same code; the JIT compiles what is used).
 */
public final class CodecsGenerator {
  private CodecsGenerator() {}

  public static JavaFile generate(ServiceModel s) {
    ClassName holder = s.codecsClass();
    TypeSpec.Builder type =
        TypeSpec.classBuilder(holder)
            .addJavadoc(
                "Protocol Buffers codecs of service {@code $L},\nused by {@link $T}.\n",
                s.serviceName(),
                s.rpcClass())
            .addAnnotation(RuntimeTypes.generated())
            .addModifiers(Modifier.FINAL)
            .addOriginatingElement(s.origin())
            .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    boolean deprecated = false;
    for (MessageModel m : s.messages()) {
      type.addType(CodecGenerator.generate(m));
      type.addOriginatingElement(m.origin());
      deprecated |= CodecGenerator.usesDeprecated(m);
    }
    for (EnumModel e : s.enums()) {
      type.addType(EnumCodecGenerator.generate(e));
      type.addOriginatingElement(e.origin());
      deprecated |= EnumCodecGenerator.usesDeprecated(e);
    }
    if (deprecated) {
      type.addAnnotation(RuntimeTypes.suppressDeprecation());
    }
    return JavaFile.builder(holder.packageName(), type.build()).skipJavaLangImports(true).build();
  }
}
