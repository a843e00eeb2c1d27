package dev.typedrpc.spi.frame;

import dev.typedrpc.Metadata;
import dev.typedrpc.Status;

/**
 * Per-message gzip of the frame protocol ({@code docs/COMPRESSION.md}): the encoding names, the
 * {@code grpc-encoding} metadata key that carries a call's encoding in CALL_START and HEADERS. The
 * compression itself is each connection's {@link GzipCoder}.
 */
final class MessageCompression {
  static final String GZIP = "gzip";
  static final String IDENTITY = "identity";

  /** The metadata key naming the encoding of a call's compressed messages, as in gRPC. */
  static final String ENCODING_KEY = "grpc-encoding";

  private MessageCompression() {}

  /**
   * The encoding a {@code grpc-encoding} value names: {@link #GZIP}, or null for none or identity.
   *
   * @throws ProtocolException {@code UNIMPLEMENTED} for any other encoding
   */
  static String parse(Metadata metadata) throws ProtocolException {
    String value = metadata.get(ENCODING_KEY);
    if (value == null || value.equalsIgnoreCase(IDENTITY)) {
      return null;
    }
    if (value.equalsIgnoreCase(GZIP)) {
      return GZIP;
    }
    throw ProtocolException.stream(
        Status.UNIMPLEMENTED.withDescription(
            "grpc-encoding '" + value + "' is not supported (gzip is)"));
  }
}
