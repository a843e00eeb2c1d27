package dev.typedrpc.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * A validated {@code @RpcService} interface with everything generators need.
 *
 * @param serviceName the fully qualified schema name
 * @param protoPackage the part of the service name before its last dot, or empty
 * @param protoServiceName the part after the last dot
 * @param messages every message type the service uses, sorted by proto name
 * @param enums every enum the service uses, sorted by proto name
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
    List<String> reservedNames) {

  public ServiceModel {
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
