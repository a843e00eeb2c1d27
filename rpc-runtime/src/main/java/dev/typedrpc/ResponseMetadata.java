package dev.typedrpc;

/**
 * Captures the response headers, trailers and status of a call made through a stub, for a client
 * that wants to read them. Pass a fresh one per call with {@link CallOptions#withResponseMetadata}
 * (or {@link RpcStubs#withResponseMetadata}); it is filled in before the call's result reaches the
 * caller: when a blocking call returns or throws, when a future completes, before a stream's first
 * item (headers) and before its {@code onComplete}/{@code onError} (trailers, status). Works the
 * same for every call kind and transport.
 *
 * <pre>{@code
 * ResponseMetadata response = new ResponseMetadata();
 * Posted posted = RpcStubs.withResponseMetadata(chat, response).post(post);
 * String server = response.headers().get("x-server");
 * }</pre>
 *
 * <p>Thread-safe. If one capture is used for several calls, it holds what the latest call
 * delivered. It is a {@link ClientCall.Listener}, so it can also be told about calls made with
 * {@link ClientCall} directly.
 */
public final class ResponseMetadata extends ClientCall.Listener<Object> {
  private volatile Metadata headers;
  private volatile Metadata trailers;
  private volatile Status status;

  /**
   * The response headers; null until they arrive. A call that ended without sending headers (e.g.
   * one that failed at once) reports {@link Metadata#EMPTY}.
   */
  public Metadata headers() {
    return headers;
  }

  /** The trailers the call ended with; null while the call runs. */
  public Metadata trailers() {
    return trailers;
  }

  /** The status the call ended with; null while the call runs. */
  public Status status() {
    return status;
  }

  @Override
  public void onHeaders(Metadata headers) {
    this.headers = headers;
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    if (headers == null) {
      headers = Metadata.EMPTY;
    }
    this.trailers = trailers;
    this.status = status;
  }

  @Override
  public String toString() {
    return "ResponseMetadata[headers="
        + headers
        + ", trailers="
        + trailers
        + ", status="
        + status
        + "]";
  }
}
