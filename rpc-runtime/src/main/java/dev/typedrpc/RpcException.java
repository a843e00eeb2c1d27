package dev.typedrpc;

/**
 * An exception that carries a {@link Status}: what a failed call throws at the client, and what a
 * server implementation throws to end a call with a chosen status.
 *
 * <p>Only the status code, its description and the trailers cross the wire; the Java cause never
 * does.
 */
public final class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Status status;
  private final transient Metadata trailers;

  public RpcException(Status status) {
    this(status, Metadata.EMPTY);
  }

  public RpcException(Status status, Metadata trailers) {
    super(status.toString(), status.cause());
    this.status = status;
    this.trailers = trailers;
  }

  public Status status() {
    return status;
  }

  /** Trailing metadata the server sent with the status (empty if none). */
  public Metadata trailers() {
    return trailers;
  }
}
