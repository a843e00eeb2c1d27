package dev.typedrpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Per-call settings a client chooses: a deadline, request metadata, compression, whether to wait
 * for ready, a capture of the response metadata, {@linkplain ClientInterceptor interceptors}, and
 * whether calls are {@linkplain #detached() detached} from the server call they are made in.
 * Immutable; each {@code with*} method (and {@link #detached()}) returns a copy.
 *
 * <p>A stub made with options applies them to every call it makes; {@link #withTimeout} is measured
 * from the start of each call, {@link #withDeadline} is an absolute deadline shared by all calls.
 * To change them for some calls without a new stub, see {@link RpcStubs}.
 */
public final class CallOptions {
  public static final CallOptions DEFAULT =
      new CallOptions(null, null, Metadata.EMPTY, null, null, false, List.of(), false, null, null);

  private final Duration timeout;
  private final Deadline deadline;
  private final Metadata metadata;
  private final String compression;
  private final ResponseMetadata responseMetadata;
  private final boolean waitForReady;
  private final List<ClientInterceptor> interceptors;
  private final boolean detached;
  private final RetryPolicy retryPolicy;
  private final HedgingPolicy hedgingPolicy;

  private CallOptions(
      Duration timeout,
      Deadline deadline,
      Metadata metadata,
      String compression,
      ResponseMetadata responseMetadata,
      boolean waitForReady,
      List<ClientInterceptor> interceptors,
      boolean detached,
      RetryPolicy retryPolicy,
      HedgingPolicy hedgingPolicy) {
    this.timeout = timeout;
    this.deadline = deadline;
    this.metadata = metadata;
    this.compression = compression;
    this.responseMetadata = responseMetadata;
    this.waitForReady = waitForReady;
    this.interceptors = interceptors;
    this.detached = detached;
    this.retryPolicy = retryPolicy;
    this.hedgingPolicy = hedgingPolicy;
  }

  /** Every call must finish within {@code timeout} of its start. */
  public CallOptions withTimeout(Duration timeout) {
    return new CallOptions(
        Objects.requireNonNull(timeout, "timeout"),
        deadline,
        metadata,
        compression,
        responseMetadata,
        waitForReady,
        interceptors,
        detached,
        retryPolicy,
        hedgingPolicy);
  }

  /** Every call must finish by {@code deadline}. */
  public CallOptions withDeadline(Deadline deadline) {
    return new CallOptions(
        timeout,
        Objects.requireNonNull(deadline, "deadline"),
        metadata,
        compression,
        responseMetadata,
        waitForReady,
        interceptors,
        detached,
        retryPolicy,
        hedgingPolicy);
  }

  /**
   * Sends {@code metadata} as request headers, merged with any set before: its values are added
   * after the existing values of the same key (a key may carry several values).
   */
  public CallOptions withMetadata(Metadata metadata) {
    Metadata merged =
        this.metadata.isEmpty() ? metadata : this.metadata.toBuilder().putAll(metadata).build();
    return new CallOptions(
        timeout,
        deadline,
        merged,
        compression,
        responseMetadata,
        waitForReady,
        interceptors,
        detached,
        retryPolicy,
        hedgingPolicy);
  }

  /**
   * Starts a {@code @Resumable} stream after {@code position}: the server replays the events after
   * it before the live ones (for example from a position an earlier call returned, so that nothing
   * in between is missed). Sent as {@link ResumePosition#METADATA_KEY}; when the stream resumes
   * after a lost connection, the client sends the last position it delivered instead.
   */
  public CallOptions withResumeAfter(long position) {
    return withMetadata(Metadata.of(ResumePosition.METADATA_KEY, Long.toString(position)));
  }

  /**
   * Compresses the request messages with {@code name}: {@code "gzip"}, or {@code "identity"} for
   * none, on every transport. The name travels as the call's {@code grpc-encoding} (on gRPC it
   * overrides the address's {@code grpc-compression}); gzip is used only if the server accepts it
   * (every typedrpc server and stock gRPC servers do; an older frame-protocol server that does not
   * announce it gets uncompressed messages), and messages encoded in fewer bytes than {@link
   * dev.typedrpc.spi.TransportSettings#compressionThreshold()} go uncompressed. Unless its
   * implementation chooses otherwise ({@link RpcContext#setCompression}), a server answers a gzip
   * call with gzip and an identity call without compression. See {@code docs/COMPRESSION.md}.
   */
  public CallOptions withCompression(String name) {
    Objects.requireNonNull(name, "name");
    if (!name.equals("gzip") && !name.equals("identity")) {
      throw new IllegalArgumentException(
          "unsupported compression '" + name + "': use gzip or identity");
    }
    return new CallOptions(
        timeout,
        deadline,
        metadata,
        name,
        responseMetadata,
        waitForReady,
        interceptors,
        detached,
        retryPolicy,
        hedgingPolicy);
  }

  /**
   * Fills {@code capture} with the response headers, trailers and status of each call made with
   * these options (see {@link ResponseMetadata}).
   */
  public CallOptions withResponseMetadata(ResponseMetadata capture) {
    return new CallOptions(
        timeout,
        deadline,
        metadata,
        compression,
        Objects.requireNonNull(capture, "capture"),
        waitForReady,
        interceptors,
        detached,
        retryPolicy,
        hedgingPolicy);
  }

  /**
   * Calls wait until the channel is ready instead of failing at once with {@code UNAVAILABLE} while
   * it is not (gRPC's wait-for-ready): through failed attempts to connect and their back-off, until
   * the call's deadline ({@code DEADLINE_EXCEEDED}), a cancel, or the channel's shutdown. A call
   * that was sent can still fail with {@code UNAVAILABLE} if the connection breaks under it. How
   * many calls may wait at once is bounded by {@link ChannelOptions#maxWaitingCalls()}.
   */
  public CallOptions withWaitForReady() {
    return new CallOptions(
        timeout,
        deadline,
        metadata,
        compression,
        responseMetadata,
        true,
        interceptors,
        detached,
        retryPolicy,
        hedgingPolicy);
  }

  /** Calls fail at once with {@code UNAVAILABLE} while the channel cannot connect (the default). */
  public CallOptions withoutWaitForReady() {
    return new CallOptions(
        timeout,
        deadline,
        metadata,
        compression,
        responseMetadata,
        false,
        interceptors,
        detached,
        retryPolicy,
        hedgingPolicy);
  }

  /**
   * Runs {@code interceptors} around every call made with these options, after the channel's and
   * after any added before (see {@link ClientInterceptor}).
   */
  public CallOptions withInterceptors(ClientInterceptor... interceptors) {
    List<ClientInterceptor> all = new ArrayList<>(this.interceptors);
    for (ClientInterceptor i : interceptors) {
      all.add(Objects.requireNonNull(i, "interceptor"));
    }
    return new CallOptions(
        timeout,
        deadline,
        metadata,
        compression,
        responseMetadata,
        waitForReady,
        List.copyOf(all),
        detached,
        retryPolicy,
        hedgingPolicy);
  }

  /** The interceptors added with {@link #withInterceptors}, in order. */
  public List<ClientInterceptor> interceptors() {
    return interceptors;
  }

  /**
   * Calls made with these options do not belong to the server call they are made from. By default a
   * call made on a thread where {@link RpcContext#current()} is set (inside a server method, or
   * code {@linkplain RpcContext#wrap(Runnable) wrapped} by its context) is that call's child: its
   * deadline is the earlier of its own and the server call's, and it is cancelled ({@code
   * CANCELLED}) when the server call is cancelled or ends with an error. A detached call keeps only
   * its own deadline and outlives the server call: for work that must finish anyway (an audit
   * record, a cache fill).
   */
  public CallOptions detached() {
    return new CallOptions(
        timeout,
        deadline,
        metadata,
        compression,
        responseMetadata,
        waitForReady,
        interceptors,
        true,
        retryPolicy,
        hedgingPolicy);
  }

  /** Whether calls are {@linkplain #detached() detached} from the server call they are made in. */
  public boolean isDetached() {
    return detached;
  }

  /** Whether calls wait for the channel to become ready ({@link #withWaitForReady()}). */
  public boolean isWaitForReady() {
    return waitForReady;
  }

  /**
   * The effective deadline for a call starting now on this thread: the earliest of the timeout, the
   * deadline and, unless {@linkplain #detached() detached}, the deadline of the server call
   * {@linkplain RpcContext#current() current} on this thread; null if none of them is set.
   */
  public Deadline effectiveDeadline() {
    Deadline own = timeout == null ? deadline : Deadline.after(timeout).earliest(deadline);
    if (detached) {
      return own;
    }
    RpcContext parent = RpcContext.currentOrNull();
    Deadline inherited = parent == null ? null : parent.deadline();
    return inherited == null ? own : inherited.earliest(own);
  }

  public Metadata metadata() {
    return metadata;
  }

  /** The compression asked for with {@link #withCompression}, or null (the transport's default). */
  public String compression() {
    return compression;
  }

  /** The capture set with {@link #withResponseMetadata}, or null. */
  public ResponseMetadata responseMetadata() {
    return responseMetadata;
  }

  /**
   * Sends calls again as {@code policy} says when an attempt fails before any response arrived (see
   * {@link RetryPolicy}), whether or not the method is declared {@code @Idempotent}; replaces the
   * channel's {@linkplain ChannelOptions#retryPolicy() policy} and the default of idempotent
   * methods ({@link RetryPolicy#NONE}: no retries). Give it only to idempotent methods: without a
   * policy, a call the server may have started is never sent twice. Replaces a {@linkplain
   * #withHedgingPolicy hedging policy} set before.
   */
  public CallOptions withRetryPolicy(RetryPolicy policy) {
    return new CallOptions(
        timeout,
        deadline,
        metadata,
        compression,
        responseMetadata,
        waitForReady,
        interceptors,
        detached,
        Objects.requireNonNull(policy, "policy"),
        null);
  }

  /**
   * Sends unary calls several times in parallel, as {@code policy} says, and takes the first answer
   * (see {@link HedgingPolicy}); replaces the channel's policies and a {@linkplain #withRetryPolicy
   * retry policy} set before. Give it only to idempotent methods: several attempts may run on the
   * server.
   */
  public CallOptions withHedgingPolicy(HedgingPolicy policy) {
    return new CallOptions(
        timeout,
        deadline,
        metadata,
        compression,
        responseMetadata,
        waitForReady,
        interceptors,
        detached,
        null,
        Objects.requireNonNull(policy, "policy"));
  }

  /**
   * The policy set with {@link #withRetryPolicy}, or null (unless a {@linkplain #hedgingPolicy()
   * hedging policy} is set: for an idempotent method the channel's or the default, else none).
   */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * The policy set with {@link #withHedgingPolicy}, or null (for an idempotent unary method the
   * channel's, if any, unless a {@linkplain #retryPolicy() retry policy} is set).
   */
  public HedgingPolicy hedgingPolicy() {
    return hedgingPolicy;
  }

  @Override
  public String toString() {
    return "CallOptions[timeout="
        + timeout
        + ", deadline="
        + deadline
        + ", metadata="
        + metadata
        + (compression == null ? "" : ", compression=" + compression)
        + (responseMetadata == null ? "" : ", responseMetadata")
        + (waitForReady ? ", waitForReady" : "")
        + (interceptors.isEmpty() ? "" : ", interceptors=" + interceptors.size())
        + (detached ? ", detached" : "")
        + (retryPolicy == null ? "" : ", " + retryPolicy)
        + (hedgingPolicy == null ? "" : ", " + hedgingPolicy)
        + "]";
  }
}
