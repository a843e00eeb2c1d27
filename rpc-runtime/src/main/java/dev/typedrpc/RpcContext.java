package dev.typedrpc;

/**
 * What a server implementation can learn about the call it is serving: request metadata, deadline,
 * peer, and whether the call was cancelled (by the client, its deadline, or a lost connection).
 *
 * <p>{@link #current()} works on the thread that runs the implementation method; capture the
 * context there to use it from other threads. Thread-safe.
 */
public abstract class RpcContext {
  private static final ThreadLocal<RpcContext> CURRENT = new ThreadLocal<>();

  /** For the runtime: the constructor of its one implementation. */
  protected RpcContext() {}

  /** The context of the call the current thread serves; fails outside a server call. */
  public static RpcContext current() {
    RpcContext c = CURRENT.get();
    if (c == null) {
      throw new IllegalStateException(
          "RpcContext.current() is only available on the thread running a server method; capture it there");
    }
    return c;
  }

  /** Runs {@code body} with {@code context} as {@link #current()}. For the runtime. */
  protected static void runWith(RpcContext context, Runnable body) {
    RpcContext previous = CURRENT.get();
    CURRENT.set(context);
    try {
      body.run();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  public abstract MethodDescriptor<?, ?> method();

  /** The request metadata the client sent. */
  public abstract Metadata headers();

  /** The client's deadline, or null if it set none. */
  public abstract Deadline deadline();

  /** The client's address, for logs. */
  public abstract String peer();

  /**
   * The version of this call's service the client was compiled with, as it announced it when
   * connecting; null if it did not announce one (e.g. a gRPC client).
   */
  public abstract ServiceVersion clientService();

  /** Whether the call ended before the server finished it. */
  public abstract boolean isCancelled();

  /** Why the call was cancelled, or null while it is not. */
  public abstract Status cancellationStatus();

  /**
   * Sends response headers to the client now, before any response message. At most once per call;
   * fails with {@link IllegalStateException} after a response message or a second time. Optional:
   * without it, a transport sends whatever headers it needs on its own.
   */
  public abstract void sendHeaders(Metadata headers);

  /** Adds trailers to send with the call's final status, whether it succeeds or fails. */
  public abstract void setTrailers(Metadata trailers);

  // ------------------------------------------------------------------ compression

  /**
   * Compresses this call's response messages with {@code name}: {@code "gzip"}, or {@code
   * "identity"} for none. Without it a response is compressed as the request was (a request sent
   * with gzip is answered with gzip, one sent with identity without compression), else as the
   * server's address says ({@code ?grpc-compression=gzip}). Gzip is used only if the client accepts
   * it, and messages smaller than the compression threshold go uncompressed ({@code
   * docs/COMPRESSION.md}). Call it before the first response message or {@link #sendHeaders};
   * {@code "identity"} also works later.
   *
   * @throws IllegalArgumentException for any other name
   */
  public abstract void setCompression(String name);

  /**
   * Runs {@code listener} once when the call is cancelled (at once, if it already is). Listeners
   * must be quick and must not throw.
   */
  public abstract void addCancelListener(Runnable listener);
}
