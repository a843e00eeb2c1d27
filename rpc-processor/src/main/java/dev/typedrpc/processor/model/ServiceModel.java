package dev.typedrpc.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.lang.model.element.TypeElement;

/**
 * A validated {@code @RpcService} interface with everything generators need.
 *
 * @param serviceName the fully qualified schema name
 * @param protoPackage the part of the service name before its last dot, or empty
 * @param protoServiceName the part after the last dot
 * @param messages every message type the service uses, sorted by proto name
 * @param enums every enum the service uses, sorted by proto name
 * @param options file options of the {@code .proto} ({@code go_package}, ...), by option name
 * @param comments the documentation of schema elements, by proto name relative to the package:
 *     {@code Service}, {@code Service.Method}, {@code Message}, {@code Message.field}, {@code
 *     Message.oneof_case}, {@code Enum}, {@code Enum.ENUM_VALUE}
 */
public record ServiceModel(
    TypeElement origin,
    ClassName iface,
    ClassName rpcClass,
    String serviceName,
    String protoPackage,
    String protoServiceName,
    int version,
    List<MethodModel> methods,
    List<MessageModel> messages,
    List<EnumModel> enums,
    List<String> reservedNames,
    Map<String, String> options,
    Map<String, String> comments) {

  public ServiceModel {
    options = Collections.unmodifiableMap(new TreeMap<>(options));
    comments = Map.copyOf(comments);
    methods = List.copyOf(methods);
    messages = List.copyOf(messages);
    enums = List.copyOf(enums);
    reservedNames = List.copyOf(reservedNames);
  }

  /**
   * The package-private class the service's codecs are nested in: {@code <Iface>RpcCodecs}, next to
   * {@code rpcClass}.
   */
  public static ClassName codecsClass(ClassName rpcClass) {
    return rpcClass.peerClass(rpcClass.simpleName() + "Codecs");
  }

  public ClassName codecsClass() {
    return codecsClass(rpcClass);
  }
}
