package dev.typedrpc.services.reflection;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;

/**
 * {@code grpc/reflection/v1/reflection.proto} (and its {@code v1alpha} twin, the same messages in
 * another package) as a descriptor, so that reflection describes itself.
 */
final class ReflectionSchema {
  private ReflectionSchema() {}

  /** The file of package {@code grpc.reflection.<version>}. */
  static ByteString fileDescriptor(String version) {
    String pkg = "grpc.reflection." + version;
    String p = "." + pkg + ".";
    FileDescriptorProto file =
        FileDescriptorProto.newBuilder()
            .setName("grpc/reflection/" + version + "/reflection.proto")
            .setPackage(pkg)
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("ServerReflectionRequest")
                    .addField(field("host", 1, FieldDescriptorProto.Type.TYPE_STRING, null, -1))
                    .addField(
                        field(
                            "file_by_filename", 3, FieldDescriptorProto.Type.TYPE_STRING, null, 0))
                    .addField(
                        field(
                            "file_containing_symbol",
                            4,
                            FieldDescriptorProto.Type.TYPE_STRING,
                            null,
                            0))
                    .addField(
                        field(
                            "file_containing_extension",
                            5,
                            FieldDescriptorProto.Type.TYPE_MESSAGE,
                            p + "ExtensionRequest",
                            0))
                    .addField(
                        field(
                            "all_extension_numbers_of_type",
                            6,
                            FieldDescriptorProto.Type.TYPE_STRING,
                            null,
                            0))
                    .addField(
                        field("list_services", 7, FieldDescriptorProto.Type.TYPE_STRING, null, 0))
                    .addOneofDecl(OneofDescriptorProto.newBuilder().setName("message_request")))
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("ExtensionRequest")
                    .addField(
                        field(
                            "containing_type", 1, FieldDescriptorProto.Type.TYPE_STRING, null, -1))
                    .addField(
                        field(
                            "extension_number", 2, FieldDescriptorProto.Type.TYPE_INT32, null, -1)))
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("ServerReflectionResponse")
                    .addField(
                        field("valid_host", 1, FieldDescriptorProto.Type.TYPE_STRING, null, -1))
                    .addField(
                        field(
                            "original_request",
                            2,
                            FieldDescriptorProto.Type.TYPE_MESSAGE,
                            p + "ServerReflectionRequest",
                            -1))
                    .addField(
                        field(
                            "file_descriptor_response",
                            4,
                            FieldDescriptorProto.Type.TYPE_MESSAGE,
                            p + "FileDescriptorResponse",
                            0))
                    .addField(
                        field(
                            "all_extension_numbers_response",
                            5,
                            FieldDescriptorProto.Type.TYPE_MESSAGE,
                            p + "ExtensionNumberResponse",
                            0))
                    .addField(
                        field(
                            "list_services_response",
                            6,
                            FieldDescriptorProto.Type.TYPE_MESSAGE,
                            p + "ListServiceResponse",
                            0))
                    .addField(
                        field(
                            "error_response",
                            7,
                            FieldDescriptorProto.Type.TYPE_MESSAGE,
                            p + "ErrorResponse",
                            0))
                    .addOneofDecl(OneofDescriptorProto.newBuilder().setName("message_response")))
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("FileDescriptorResponse")
                    .addField(
                        repeated(
                            field(
                                "file_descriptor_proto",
                                1,
                                FieldDescriptorProto.Type.TYPE_BYTES,
                                null,
                                -1))))
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("ExtensionNumberResponse")
                    .addField(
                        field("base_type_name", 1, FieldDescriptorProto.Type.TYPE_STRING, null, -1))
                    .addField(
                        repeated(
                            field(
                                "extension_number",
                                2,
                                FieldDescriptorProto.Type.TYPE_INT32,
                                null,
                                -1))))
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("ListServiceResponse")
                    .addField(
                        repeated(
                            field(
                                "service",
                                1,
                                FieldDescriptorProto.Type.TYPE_MESSAGE,
                                p + "ServiceResponse",
                                -1))))
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("ServiceResponse")
                    .addField(field("name", 1, FieldDescriptorProto.Type.TYPE_STRING, null, -1)))
            .addMessageType(
                DescriptorProto.newBuilder()
                    .setName("ErrorResponse")
                    .addField(
                        field("error_code", 1, FieldDescriptorProto.Type.TYPE_INT32, null, -1))
                    .addField(
                        field("error_message", 2, FieldDescriptorProto.Type.TYPE_STRING, null, -1)))
            .addService(
                ServiceDescriptorProto.newBuilder()
                    .setName("ServerReflection")
                    .addMethod(
                        MethodDescriptorProto.newBuilder()
                            .setName("ServerReflectionInfo")
                            .setInputType(p + "ServerReflectionRequest")
                            .setOutputType(p + "ServerReflectionResponse")
                            .setClientStreaming(true)
                            .setServerStreaming(true)))
            .setSyntax("proto3")
            .build();
    return file.toByteString();
  }

  private static FieldDescriptorProto.Builder field(
      String name, int number, FieldDescriptorProto.Type type, String typeName, int oneof) {
    FieldDescriptorProto.Builder f =
        FieldDescriptorProto.newBuilder()
            .setName(name)
            .setNumber(number)
            .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
            .setType(type)
            .setJsonName(jsonName(name));
    if (typeName != null) {
      f.setTypeName(typeName);
    }
    if (oneof >= 0) {
      f.setOneofIndex(oneof);
    }
    return f;
  }

  private static FieldDescriptorProto.Builder repeated(FieldDescriptorProto.Builder f) {
    return f.setLabel(FieldDescriptorProto.Label.LABEL_REPEATED);
  }

  private static String jsonName(String name) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }
}
