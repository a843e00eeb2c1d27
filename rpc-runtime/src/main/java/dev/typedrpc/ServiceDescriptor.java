package dev.typedrpc;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Objects;

/**
 * Describes one service: its fully qualified name, its version and its methods, plus where its
 * generated schema files live on the class path. Generated code creates one per
 * {@code @RpcService}; immutable and thread-safe.
 */
public final class ServiceDescriptor {
  private final String name;
  private final int version;
  private final String fingerprint;
  private final ByteString fileDescriptor;
  private final List<MethodDescriptor<?, ?>> methods;

  private ServiceDescriptor(
      String name,
      int version,
      String fingerprint,
      ByteString fileDescriptor,
      List<MethodDescriptor<?, ?>> methods) {
    this.name = Objects.requireNonNull(name, "name");
    this.version = version;
    this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
    this.fileDescriptor = Objects.requireNonNull(fileDescriptor, "fileDescriptor");
    this.methods = List.copyOf(methods);
    for (MethodDescriptor<?, ?> m : this.methods) {
      if (!m.serviceName().equals(name)) {
        throw new IllegalArgumentException(m.fullName() + " does not belong to service " + name);
      }
    }
  }

  public static ServiceDescriptor of(
      String name, int version, List<MethodDescriptor<?, ?>> methods) {
    return new ServiceDescriptor(name, version, "", ByteString.EMPTY, methods);
  }

  /**
   * A service descriptor with the fingerprint of its schema: a stable hash of the JSON descriptor
   * the processor emits, equal on both ends exactly when their schemas are equal.
   */
  public static ServiceDescriptor of(
      String name, int version, String fingerprint, List<MethodDescriptor<?, ?>> methods) {
    return new ServiceDescriptor(name, version, fingerprint, ByteString.EMPTY, methods);
  }

  /**
   * A service descriptor with the fingerprint of its schema and the schema itself as a serialized
   * {@code google.protobuf.FileDescriptorProto} (what gRPC server reflection serves; see {@link
   * #fileDescriptor()}).
   */
  public static ServiceDescriptor of(
      String name,
      int version,
      String fingerprint,
      ByteString fileDescriptor,
      List<MethodDescriptor<?, ?>> methods) {
    return new ServiceDescriptor(name, version, fingerprint, fileDescriptor, methods);
  }

  /** Fully qualified name, e.g. {@code chat.ChatService}. */
  public String name() {
    return name;
  }

  /** The service version from {@code @RpcService(version = N)}. */
  public int version() {
    return version;
  }

  /** The schema fingerprint, or the empty string if the descriptor was made without one. */
  public String fingerprint() {
    return fingerprint;
  }

  /**
   * The service's schema as a serialized {@code google.protobuf.FileDescriptorProto}, named {@code
   * <service name>.proto}, the descriptor {@code protoc} makes of {@link #protoResource()}; its
   * dependencies are only well-known types ({@code google/protobuf/empty.proto}, ...). Empty if the
   * descriptor was made without one (by hand, or by an older processor).
   */
  public ByteString fileDescriptor() {
    return fileDescriptor;
  }

  public List<MethodDescriptor<?, ?>> methods() {
    return methods;
  }

  /** The method with this schema name, or null. */
  public MethodDescriptor<?, ?> method(String methodName) {
    for (MethodDescriptor<?, ?> m : methods) {
      if (m.methodName().equals(methodName)) {
        return m;
      }
    }
    return null;
  }

  /** Class-path resource of the generated {@code .proto} file. */
  public String protoResource() {
    return "META-INF/typedrpc/" + name + ".proto";
  }

  /** Class-path resource of the generated JSON descriptor. */
  public String descriptorResource() {
    return "META-INF/typedrpc/" + name + ".json";
  }

  @Override
  public String toString() {
    return name + " v" + version + " " + methods;
  }
}
