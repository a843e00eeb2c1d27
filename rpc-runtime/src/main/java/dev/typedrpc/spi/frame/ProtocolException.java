package dev.typedrpc.spi.frame;

import dev.typedrpc.Status;

/**
 * A protocol violation found while reading a frame: ends one stream or, if {@code connectionLevel},
 * the connection.
 */
final class ProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Status status;
  private final boolean connectionLevel;

  private ProtocolException(Status status, boolean connectionLevel) {
    super(status.toString(), null, false, false);
    this.status = status;
    this.connectionLevel = connectionLevel;
  }

  static ProtocolException connection(String description) {
    return new ProtocolException(Status.INTERNAL.withDescription(description), true);
  }

  static ProtocolException stream(Status status) {
    return new ProtocolException(status, false);
  }

  Status status() {
    return status;
  }

  boolean connectionLevel() {
    return connectionLevel;
  }
}
