package dev.typedrpc;

/**
 * Which version of a service one side of a connection runs: what client and server tell each other when a
 * connection opens.
 *
 * @param name the service's fully qualified name
 * @param version its {@code @RpcService(version = N)}
 * @param fingerprint the schema fingerprint, or the empty string if unknown
 */
public record ServiceVersion(String name, int version, String fingerprint) {
  public static ServiceVersion of(ServiceDescriptor descriptor) {
    return new ServiceVersion(descriptor.name(), descriptor.version(), descriptor.fingerprint());
  }

  /** Whether both sides compiled the same schema (both fingerprints known and equal). */
  public boolean sameSchemaAs(ServiceVersion other) {
    return !fingerprint.isEmpty() && fingerprint.equals(other.fingerprint);
  }

  @Override
  public String toString() {
    return name + " v" + version + (fingerprint.isEmpty() ? "" : " (" + fingerprint + ")");
  }
}
