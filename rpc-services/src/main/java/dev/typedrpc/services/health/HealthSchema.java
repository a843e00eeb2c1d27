package dev.typedrpc.services.health;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileOptions;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;

/**
 * {@code grpc/health/v1/health.proto} as a descriptor, for server reflection: the messages and the
 * two methods this implementation serves ({@code Check} and {@code Watch}; not the newer {@code
 * List}), with the official names, numbers and Java options.
 */
final class HealthSchema {
  static final String FILE = "grpc/health/v1/health.proto";

  private HealthSchema() {}

  static ByteString fileDescriptor() {
    String pkg = ".grpc.health.v1.";
    EnumDescriptorProto.Builder status = EnumDescriptorProto.newBuilder().setName("ServingStatus");
    for (ServingStatus s : ServingStatus.values()) {
      status.addValue(
          EnumValueDescriptorProto.newBuilder().setName(s.name()).setNumber(s.number()));
    }
    FileDescriptorProto file =
        FileDescriptorProto.newBuilder()
            .setName(FILE)
            .setPackage("grpc.health.v1")
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("HealthCheckRequest")
                    .addField(field("service", FieldDescriptorProto.Type.TYPE_STRING, "")))
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("HealthCheckResponse")
                    .addField(
                        field(
                            "status",
                            FieldDescriptorProto.Type.TYPE_ENUM,
                            pkg + "HealthCheckResponse.ServingStatus"))
                    .addEnumType(status))
            .addService(
                ServiceDescriptorProto.newBuilder()
                    .setName("Health")
                    .addMethod(
                        MethodDescriptorProto.newBuilder()
                            .setName("Check")
                            .setInputType(pkg + "HealthCheckRequest")
                            .setOutputType(pkg + "HealthCheckResponse"))
                    .addMethod(
                        MethodDescriptorProto.newBuilder()
                            .setName("Watch")
                            .setInputType(pkg + "HealthCheckRequest")
                            .setOutputType(pkg + "HealthCheckResponse")
                            .setServerStreaming(true)))
            .setOptions(
                FileOptions.newBuilder()
                    .setJavaMultipleFiles(true)
                    .setJavaOuterClassname("HealthProto")
                    .setJavaPackage("io.grpc.health.v1")
                    .setGoPackage("google.golang.org/grpc/health/grpc_health_v1")
                    .setCsharpNamespace("Grpc.Health.V1"))
            .setSyntax("proto3")
            .build();
    return file.toByteString();
  }

  private static FieldDescriptorProto field(
      String name, FieldDescriptorProto.Type type, String typeName) {
    FieldDescriptorProto.Builder f =
        FieldDescriptorProto.newBuilder()
            .setName(name)
            .setNumber(1)
            .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
            .setType(type)
            .setJsonName(name);
    if (!typeName.isEmpty()) {
      f.setTypeName(typeName);
    }
    return f.build();
  }
}
