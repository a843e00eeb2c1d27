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
   * The certificate chain the client presented over mutual TLS and the transport verified, the
   * client's own certificate first; empty on a cleartext connection, for a client that sent none,
   * or on a transport without TLS. An {@code Authenticator} turns it into a principal.
   */
  public java.util.List<java.security.cert.X509Certificate> peerCertificates() {
    return java.util.List.of();
  }

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

  /**
   * Runs {@code listener} once when the call is cancelled (at once, if it already is). Listeners
   * must be quick and must not throw.
   */
  public abstract void addCancelListener(Runnable listener);
}
