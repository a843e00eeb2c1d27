package dev.typedrpc;

import java.util.Objects;

/**
 * The outcome of a call: one of gRPC's 17 canonical codes plus an optional human-readable
 * description.
 *
 * <p>Immutable and thread-safe. A {@linkplain #cause() cause} is kept for local diagnostics only:
 * it never crosses the wire.
 */
public final class Status {

  /** gRPC's canonical status codes, with their wire values. */
  public enum Code {
    OK(0),
    CANCELLED(1),
    UNKNOWN(2),
    INVALID_ARGUMENT(3),
    DEADLINE_EXCEEDED(4),
    NOT_FOUND(5),
    ALREADY_EXISTS(6),
    PERMISSION_DENIED(7),
    RESOURCE_EXHAUSTED(8),
    FAILED_PRECONDITION(9),
    ABORTED(10),
    OUT_OF_RANGE(11),
    UNIMPLEMENTED(12),
    INTERNAL(13),
    UNAVAILABLE(14),
    DATA_LOSS(15),
    UNAUTHENTICATED(16);

    private static final Code[] BY_VALUE = values();
    private final int value;

    Code(int value) {
      this.value = value;
    }

    /** The number carried on the wire. */
    public int value() {
      return value;
    }

    /**
     * The code for a wire value; values outside 0..16 map to {@link #UNKNOWN}, as gRPC specifies.
     */
    public static Code fromValue(int value) {
      return value >= 0 && value < BY_VALUE.length ? BY_VALUE[value] : UNKNOWN;
    }

    /** A status with this code and no description. */
    @SuppressWarnings("EnumOrdinal") // an index into CANONICAL, built from the same enum
    public Status toStatus() {
      return CANONICAL[ordinal()];
    }
  }

  private static final Status[] CANONICAL = new Status[Code.values().length];

  static {
    fillCanonical();
  }

  @SuppressWarnings("EnumOrdinal") // CANONICAL is indexed by the enum's own order
  private static void fillCanonical() {
    for (Code code : Code.values()) {
      CANONICAL[code.ordinal()] = new Status(code, null, null);
    }
  }

  public static final Status OK = Code.OK.toStatus();
  public static final Status CANCELLED = Code.CANCELLED.toStatus();
  public static final Status UNKNOWN = Code.UNKNOWN.toStatus();
  public static final Status INVALID_ARGUMENT = Code.INVALID_ARGUMENT.toStatus();
  public static final Status DEADLINE_EXCEEDED = Code.DEADLINE_EXCEEDED.toStatus();
  public static final Status NOT_FOUND = Code.NOT_FOUND.toStatus();
  public static final Status ALREADY_EXISTS = Code.ALREADY_EXISTS.toStatus();
  public static final Status PERMISSION_DENIED = Code.PERMISSION_DENIED.toStatus();
  public static final Status RESOURCE_EXHAUSTED = Code.RESOURCE_EXHAUSTED.toStatus();
  public static final Status FAILED_PRECONDITION = Code.FAILED_PRECONDITION.toStatus();
  public static final Status ABORTED = Code.ABORTED.toStatus();
  public static final Status OUT_OF_RANGE = Code.OUT_OF_RANGE.toStatus();
  public static final Status UNIMPLEMENTED = Code.UNIMPLEMENTED.toStatus();
  public static final Status INTERNAL = Code.INTERNAL.toStatus();
  public static final Status UNAVAILABLE = Code.UNAVAILABLE.toStatus();
  public static final Status DATA_LOSS = Code.DATA_LOSS.toStatus();
  public static final Status UNAUTHENTICATED = Code.UNAUTHENTICATED.toStatus();

  private final Code code;
  private final String description;
  private final Throwable cause;

  private Status(Code code, String description, Throwable cause) {
    this.code = code;
    this.description = description;
    this.cause = cause;
  }

  /** The status for a wire code and description (description may be null). */
  public static Status fromCode(int code, String description) {
    return Code.fromValue(code).toStatus().withDescription(description);
  }

  public Code code() {
    return code;
  }

  /** The description, or null if there is none. */
  public String description() {
    return description;
  }

  /** A local cause, or null. Never sent to the peer. */
  public Throwable cause() {
    return cause;
  }

  public boolean isOk() {
    return code == Code.OK;
  }

  public Status withDescription(String description) {
    return Objects.equals(this.description, description)
        ? this
        : new Status(code, description, cause);
  }

  public Status withCause(Throwable cause) {
    return this.cause == cause ? this : new Status(code, description, cause);
  }

  /** An exception carrying this status, ready to throw. */
  public RpcException asException() {
    return new RpcException(this, Metadata.EMPTY);
  }

  /** An exception carrying this status and the given trailers. */
  public RpcException asException(Metadata trailers) {
    return new RpcException(this, trailers);
  }

  /**
   * The status that best describes {@code t}: the status of an {@link RpcException}, otherwise
   * {@code UNKNOWN} with {@code t} as the (local) cause.
   */
  public static Status fromThrowable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof RpcException e) {
        return e.status();
      }
    }
    return UNKNOWN.withCause(t);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Status s && s.code == code && Objects.equals(s.description, description);
  }

  @Override
  public int hashCode() {
    return Objects.hash(code, description);
  }

  @Override
  public String toString() {
    return description == null ? code.name() : code.name() + ": " + description;
  }
}
