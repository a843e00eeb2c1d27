package dev.typedrpc.processor.codegen;

import com.palantir.javapoet.ClassName;
import dev.typedrpc.processor.model.ServiceModel;

/**
 * Names of the proto3 JSON side: the generated classes ({@code <Iface>RpcJsonCodecs}, nested {@code
 * <Name>JsonCodec} and {@code <Enum>Json}) and a field's JSON name.
 */
public final class JsonNames {
  private JsonNames() {}

  /** {@code <Iface>RpcJsonCodecs}, next to {@code <Iface>RpcCodecs}. */
  public static ClassName holder(ServiceModel s) {
    return holder(s.codecsClass());
  }

  private static ClassName holder(ClassName codecs) {
    String name = codecs.simpleName();
    String base = name.endsWith("Codecs") ? name.substring(0, name.length() - 6) : name;
    return ClassName.get(codecs.packageName(), base + "JsonCodecs");
  }

  /** The JSON codec of the message whose binary codec is {@code codec} ({@code PostCodec}). */
  static ClassName messageCodec(ClassName codec) {
    return holder(codec.enclosingClassName()).nestedClass(base(codec) + "JsonCodec");
  }

  /** The JSON names of the enum whose binary codec is {@code codec}. */
  static ClassName enumNames(ClassName codec) {
    return holder(codec.enclosingClassName()).nestedClass(base(codec) + "Json");
  }

  private static String base(ClassName codec) {
    String name = codec.simpleName();
    return name.endsWith("Codec") ? name.substring(0, name.length() - 5) : name;
  }

  /**
   * The proto3 JSON name of a field, as protoc derives {@code json_name}: underscores removed, the
   * letter after each one upper-cased ({@code reply_to} → {@code replyTo}).
   */
  public static String jsonName(String protoName) {
    StringBuilder out = new StringBuilder(protoName.length());
    boolean upper = false;
    for (int i = 0; i < protoName.length(); i++) {
      char c = protoName.charAt(i);
      if (c == '_') {
        upper = true;
      } else if (upper) {
        out.append(Character.toUpperCase(c));
        upper = false;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
