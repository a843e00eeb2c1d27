package dev.typedrpc;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What a server implementation can learn about the call it is serving: request metadata, deadline,
 * peer, whether the call was cancelled (by the client, its deadline, or a lost connection), and
 * values that {@linkplain ServerInterceptor interceptors} {@linkplain #put put} there for it.
 *
 * <p>{@link #current()} works on the thread that runs the implementation method (and in server
 * interceptors); capture the context there to use it from other threads, or carry it there with
 * {@link #wrap(Runnable)}. A call a client makes on a thread where a context is current is a
 * <em>child</em> of that call: it inherits the remaining deadline and is cancelled when this call
 * is (see {@link CallOptions#detached()}). Thread-safe.
 */
public abstract class RpcContext {
  private static final ThreadLocal<RpcContext> CURRENT = new ThreadLocal<>();

  /**
   * Values interceptors stored ({@link #put}); null until the first, so most calls allocate none.
   */
  private Map<Key<?>, Object> attributes; // guarded by this

  /**
   * The name of a value stored in a call's context: an interceptor {@linkplain #put puts} it (the
   * authenticated principal, a tenant), the implementation {@linkplain #get gets} it. Keys compare
   * by identity: keep each in a constant. Thread-safe.
   *
   * <pre>{@code
   * static final RpcContext.Key<String> TENANT = RpcContext.Key.named("tenant");
   * }</pre>
   */
  @SuppressWarnings("UnusedTypeParameter") // T types get and put: it is the key's whole point
  public static final class Key<T> {
    private final String name;

    private Key(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** A new key; {@code name} is for debugging only (two keys of one name are different). */
    public static <T> Key<T> named(String name) {
      return new Key<>(name);
    }

    @Override
    public String toString() {
      return name;
    }
  }

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

  /** The current context, or null outside a server call. For the runtime. */
  protected static RpcContext currentOrNull() {
    return CURRENT.get();
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
   * The transport the call arrived on, as the URI scheme a client would use for it: {@code ws},
   * {@code wss}, {@code sse}, {@code sses}, {@code h2c} (gRPC over cleartext HTTP/2), {@code h2}
   * (over TLS) or {@code mem}; {@code unknown} for a transport that does not say. For metrics and
   * logs.
   */
  public abstract String transport();

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

  /** The value stored under {@code key}, or null. */
  @SuppressWarnings("unchecked") // put only stores a T under a Key<T>
  public final <T> T get(Key<T> key) {
    Objects.requireNonNull(key, "key");
    synchronized (this) {
      return attributes == null ? null : (T) attributes.get(key);
    }
  }

  /** Stores {@code value} under {@code key} (null removes it), for the rest of this call. */
  public final <T> void put(Key<T> key, T value) {
    Objects.requireNonNull(key, "key");
    synchronized (this) {
      if (value != null) {
        if (attributes == null) {
          attributes = new HashMap<>(4);
        }
        attributes.put(key, value);
      } else if (attributes != null) {
        attributes.remove(key);
      }
    }
  }

  /**
   * {@code task}, running with this context {@linkplain #current() current}: for an asynchronous
   * implementation that continues on another thread, so that what it does there (calls it makes,
   * {@link #current()}) still belongs to this call.
   *
   * <pre>{@code
   * RpcContext call = RpcContext.current();
   * pool.execute(call.wrap(() -> inventory.reserve(order))); // a child call of this one
   * }</pre>
   */
  public final Runnable wrap(Runnable task) {
    Objects.requireNonNull(task, "task");
    return () -> runWith(this, task);
  }

  /** An executor that runs each task on {@code executor} {@linkplain #wrap(Runnable) wrapped}. */
  public final Executor wrap(Executor executor) {
    Objects.requireNonNull(executor, "executor");
    return task -> executor.execute(wrap(task));
  }
}
