package dev.typedrpc.processor.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;

/** The runtime and library types generated code names; the processor does not link to them. */
final class RuntimeTypes {
  private RuntimeTypes() {}

  static final String RUNTIME = "dev.typedrpc";
  static final ClassName ACCESS_POLICY = ClassName.get(RUNTIME, "AccessPolicy");
  static final ClassName CALL_KIND = ClassName.get(RUNTIME, "CallKind");
  static final ClassName IDEMPOTENCY = ClassName.get(RUNTIME, "Idempotency");
  static final ClassName CALL_OPTIONS = ClassName.get(RUNTIME, "CallOptions");
  static final ClassName METHOD_DESCRIPTOR = ClassName.get(RUNTIME, "MethodDescriptor");
  static final ClassName RPC_CHANNEL = ClassName.get(RUNTIME, "RpcChannel");
  static final ClassName SERVER_SERVICE_DEFINITION =
      ClassName.get(RUNTIME, "ServerServiceDefinition");
  static final ClassName SERVICE_DESCRIPTOR = ClassName.get(RUNTIME, "ServiceDescriptor");
  static final ClassName MESSAGE_CODEC = ClassName.get(RUNTIME + ".spi", "MessageCodec");
  static final ClassName GENERATED_SERVICE = ClassName.get(RUNTIME + ".spi", "GeneratedService");
  static final ClassName CLIENT_CALLS = ClassName.get(RUNTIME + ".stub", "ClientCalls");
  static final ClassName SERVER_CALLS = ClassName.get(RUNTIME + ".stub", "ServerCalls");
  static final ClassName GENERATED_STUB = ClassName.get(RUNTIME + ".stub", "GeneratedStub");
  static final ClassName MESSAGES = ClassName.get(RUNTIME + ".codec", "Messages");
  static final ClassName WELL_KNOWN = ClassName.get(RUNTIME + ".codec", "WellKnownTypes");
  static final ClassName PACKED = ClassName.get(RUNTIME + ".codec", "Packed");
  static final ClassName VARINTS = ClassName.get(RUNTIME + ".codec", "Varints");

  static final ClassName CODED_INPUT = ClassName.get("com.google.protobuf", "CodedInputStream");
  static final ClassName CODED_OUTPUT = ClassName.get("com.google.protobuf", "CodedOutputStream");
  static final ClassName BYTE_STRING = ClassName.get("com.google.protobuf", "ByteString");
  static final ClassName WIRE_FORMAT = ClassName.get("com.google.protobuf", "WireFormat");
  static final ClassName INVALID_PROTOCOL_BUFFER =
      ClassName.get("com.google.protobuf", "InvalidProtocolBufferException");

  static final ClassName IO_EXCEPTION = ClassName.get("java.io", "IOException");
  static final ClassName LIST = ClassName.get("java.util", "List");
  static final ClassName ARRAY_LIST = ClassName.get("java.util", "ArrayList");
  static final ClassName MAP = ClassName.get("java.util", "Map");
  static final ClassName LINKED_HASH_MAP = ClassName.get("java.util", "LinkedHashMap");
  static final ClassName COLLECTIONS = ClassName.get("java.util", "Collections");
  static final ClassName OPTIONAL = ClassName.get("java.util", "Optional");
  static final ClassName INSTANT = ClassName.get("java.time", "Instant");
  static final ClassName DURATION = ClassName.get("java.time", "Duration");

  static final String PROCESSOR = "dev.typedrpc.processor.RpcProcessor";

  /**
   * {@code @SuppressWarnings("deprecation")}, on generated classes that must use deprecated schema
   * elements (the user's {@code @Deprecated} is for callers, not for the generated plumbing).
   */
  static AnnotationSpec suppressDeprecation() {
    return AnnotationSpec.builder(SuppressWarnings.class)
        .addMember("value", "$S", "deprecation")
        .build();
  }

  /** {@code @Generated("dev.typedrpc.processor.RpcProcessor")}. */
  static AnnotationSpec generated() {
    return AnnotationSpec.builder(ClassName.get("javax.annotation.processing", "Generated"))
        .addMember("value", "$S", PROCESSOR)
        .build();
  }
}
