package dev.typedrpc.processor.codegen;

import static dev.typedrpc.processor.codegen.RuntimeTypes.CODED_INPUT;
import static dev.typedrpc.processor.codegen.RuntimeTypes.IO_EXCEPTION;
import static dev.typedrpc.processor.codegen.RuntimeTypes.MESSAGES;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import dev.typedrpc.processor.model.FieldModel;
import dev.typedrpc.processor.model.ValueType.MessageValue;
import javax.lang.model.element.Modifier;

/** The reader of one map entry ({@code key = 1, value = 2}) of a map field. */
final class MapEntries {
  private MapEntries() {}

  static MethodSpec reader(String name, FieldModel f) {
    boolean message = f.value() instanceof MessageValue;
    MethodSpec.Builder b =
        MethodSpec.methodBuilder(name)
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .addParameter(CODED_INPUT, "in")
            .addParameter(
                ParameterizedTypeName.get(
                    RuntimeTypes.MAP, FieldCode.boxed(f.key()), FieldCode.boxed(f.value())),
                "map")
            .addParameter(int.class, "depth")
            .addException(IO_EXCEPTION);
    b.addStatement("int oldLimit = $T.beginNested(in,$Wdepth)", MESSAGES);
    b.addStatement("$T key = $L", FieldCode.boxed(f.key()), FieldCode.defaultValue(f.key()));
    b.addStatement(
        "$T mapValue = $L",
        FieldCode.boxed(f.value()),
        message ? CodeBlock.of("null") : FieldCode.defaultValue(f.value()));
    b.beginControlFlow("for (int tag = in.readTag(); tag != 0; tag = in.readTag())");
    b.beginControlFlow("if (tag == $L)", FieldCode.tag(1, f.key().wireType()));
    b.addStatement("key = $L", FieldCode.read(f.key(), "depth + 1"));
    b.nextControlFlow("else if (tag == $L)", FieldCode.tag(2, f.value().wireType()));
    b.addStatement("mapValue = $L", FieldCode.read(f.value(), "depth + 1"));
    b.nextControlFlow("else if (!in.skipField(tag))");
    b.addStatement("break");
    b.endControlFlow();
    b.endControlFlow();
    b.addStatement("$T.endNested(in,$WoldLimit)", MESSAGES);
    if (message) {
      b.addStatement(
          "map.put(key,$WmapValue == null ? $L : mapValue)", FieldCode.defaultValue(f.value()));
    } else {
      b.addStatement("map.put(key, mapValue)");
    }
    return b.build();
  }
}
