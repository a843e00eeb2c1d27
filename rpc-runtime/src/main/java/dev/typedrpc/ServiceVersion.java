package dev.typedrpc;

/**
 * Which version of a service one side of a connection runs: what client and server tell each other
 * when a connection opens.
 *
 * @param name the service's fully qualified name
 * @param version its {@code @RpcService(version = N)}
 * @param fingerprint the schema fingerprint, or the empty string if unknown
 */
public record ServiceVersion(String name, int version, String fingerprint) {
  public static ServiceVersion of(ServiceDescriptor descriptor) {
    return new ServiceVersion(descriptor.name(), descriptor.version(), descriptor.fingerprint());
  }

  /**
   * The metadata key that carries a service version on transports without a connect-time exchange
   * (gRPC over HTTP/2): value {@code <version>;<fingerprint>}. Stock gRPC peers never send it and
   * ignore it.
   */
  public static final String METADATA_KEY = "typedrpc-service";

  /** This version as a {@link #METADATA_KEY} value. */
  public String toMetadataValue() {
    return version + ";" + fingerprint;
  }

  /**
   * Parses a {@link #METADATA_KEY} value for service {@code name}; null if it is absent or
   * malformed.
   */
  public static ServiceVersion fromMetadataValue(String name, String value) {
    if (value == null) {
      return null;
    }
    int semicolon = value.indexOf(';');
    try {
      int version = Integer.parseInt(semicolon < 0 ? value : value.substring(0, semicolon));
      return new ServiceVersion(name, version, semicolon < 0 ? "" : value.substring(semicolon + 1));
    } catch (NumberFormatException e) {
      return null;
    }
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
