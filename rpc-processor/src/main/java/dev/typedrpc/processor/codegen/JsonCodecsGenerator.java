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
 * Generates {@code <Iface>RpcJsonCodecs}: a package-private class holding the proto3 JSON codec of
 * each message of the service and the JSON names of each enum. The binary codecs of {@code
 * <Iface>RpcCodecs} return them from {@code json()}.
 */
public final class JsonCodecsGenerator {
  private JsonCodecsGenerator() {}

  public static JavaFile generate(ServiceModel s) {
    ClassName holder = JsonNames.holder(s);
    TypeSpec.Builder type =
        TypeSpec.classBuilder(holder)
            .addJavadoc(
                "Proto3 JSON codecs of service {@code $L},\nreturned by the codecs of {@link $T}.\n",
                s.serviceName(),
                s.codecsClass())
            .addAnnotation(RuntimeTypes.generated())
            .addModifiers(Modifier.FINAL)
            .addOriginatingElement(s.origin())
            .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    boolean deprecated = false;
    for (MessageModel m : s.messages()) {
      type.addType(JsonCodecGenerator.generate(m));
      type.addOriginatingElement(m.origin());
      deprecated |= CodecGenerator.usesDeprecated(m);
    }
    for (EnumModel e : s.enums()) {
      type.addType(JsonEnumGenerator.generate(e));
      type.addOriginatingElement(e.origin());
      deprecated |= EnumCodecGenerator.usesDeprecated(e);
    }
    if (deprecated) {
      type.addAnnotation(RuntimeTypes.suppressDeprecation());
    }
    return JavaFile.builder(holder.packageName(), type.build()).skipJavaLangImports(true).build();
  }
}
