package dev.typedrpc.services.reflection;

import dev.typedrpc.CallKind;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Publishers;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;

/**
 * gRPC server reflection, {@code grpc.reflection.v1.ServerReflection} and the older {@code
 * grpc.reflection.v1alpha.ServerReflection} (same messages; some tools only speak it), served on
 * every transport: reflection clients such as grpcurl, Postman or gRPC-Java's {@code
 * ProtoReflectionService} clients list the services and fetch their schemas, then call them without
 * {@code .proto} files. The schemas are the ones the annotation processor embeds in generated code
 * ({@link ServiceDescriptor#fileDescriptor()}); a service without one is listed but its symbols are
 * not found.
 *
 * <pre>{@code
 * HealthService health = new HealthService();
 * ServerServiceDefinition chat = ChatServiceRpc.bind(impl);
 * ReflectionService reflection = ReflectionService.of(chat, health.definition());
 * RpcServer server = RpcServer.builder()
 *     .listen("h2c://0.0.0.0:8080")
 *     .addService(chat)
 *     .addService(health.definition())
 *     .addService(reflection.v1())
 *     .addService(reflection.v1alpha())
 *     .build()
 *     .start();
 * }</pre>
 *
 * <p>It lists the services it is given and both reflection services. Immutable and thread-safe.
 */
public final class ReflectionService {
  /** The name of the current service, {@code grpc.reflection.v1.ServerReflection}. */
  public static final String V1 = "grpc.reflection.v1.ServerReflection";

  /** The name of the older service, {@code grpc.reflection.v1alpha.ServerReflection}. */
  public static final String V1ALPHA = "grpc.reflection.v1alpha.ServerReflection";

  private static final ServiceDescriptor V1_DESCRIPTOR = descriptor(V1, "v1");
  private static final ServiceDescriptor V1ALPHA_DESCRIPTOR = descriptor(V1ALPHA, "v1alpha");

  private final ServerServiceDefinition v1;
  private final ServerServiceDefinition v1alpha;

  private ReflectionService(List<ServiceDescriptor> services) {
    List<ServiceDescriptor> all = new ArrayList<>(services);
    all.add(V1_DESCRIPTOR);
    all.add(V1ALPHA_DESCRIPTOR);
    ReflectionResponses responses = new ReflectionResponses(new SchemaIndex(all));
    this.v1 = definition(V1_DESCRIPTOR, responses);
    this.v1alpha = definition(V1ALPHA_DESCRIPTOR, responses);
  }

  /** Reflection over {@code services} (and itself), the other services the server serves. */
  public static ReflectionService of(ServerServiceDefinition... services) {
    List<ServiceDescriptor> descriptors = new ArrayList<>();
    for (ServerServiceDefinition s : services) {
      descriptors.add(s.descriptor());
    }
    return new ReflectionService(descriptors);
  }

  /** Reflection over the services these descriptors describe (and itself). */
  public static ReflectionService of(List<ServiceDescriptor> services) {
    return new ReflectionService(services);
  }

  /** {@code grpc.reflection.v1.ServerReflection}, for {@code RpcServer.Builder.addService}. */
  public ServerServiceDefinition v1() {
    return v1;
  }

  /** {@code grpc.reflection.v1alpha.ServerReflection}, for {@code RpcServer.Builder.addService}. */
  public ServerServiceDefinition v1alpha() {
    return v1alpha;
  }

  @SuppressWarnings("unchecked")
  private static ServerServiceDefinition definition(
      ServiceDescriptor descriptor, ReflectionResponses responses) {
    MethodDescriptor<ReflectionRequest, byte[]> info =
        (MethodDescriptor<ReflectionRequest, byte[]>) descriptor.methods().get(0);
    return ServerServiceDefinition.builder(descriptor)
        .bidiStreaming(info, requests -> Publishers.map(requests, responses::answer))
        .build();
  }

  private static ServiceDescriptor descriptor(String name, String version) {
    MethodDescriptor<ReflectionRequest, byte[]> info =
        MethodDescriptor.of(
            name,
            "ServerReflectionInfo",
            CallKind.BIDI_STREAMING,
            ReflectionRequest.CODEC,
            RawMessage.CODEC);
    return ServiceDescriptor.of(
        name, 1, "", ReflectionSchema.fileDescriptor(version), List.of(info));
  }
}
