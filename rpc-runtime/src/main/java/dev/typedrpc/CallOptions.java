package dev.typedrpc;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-call settings a client chooses: a deadline, request metadata, compression, whether to wait
 * for ready, and a capture of the response metadata. Immutable; each {@code with*} method returns a
 * copy.
 *
 * <p>A stub made with options applies them to every call it makes; {@link #withTimeout} is measured
 * from the start of each call, {@link #withDeadline} is an absolute deadline shared by all calls.
 * To change them for some calls without a new stub, see {@link RpcStubs}.
 */
public final class CallOptions {
  public static final CallOptions DEFAULT =
      new CallOptions(null, null, Metadata.EMPTY, null, null, false);

  private final Duration timeout;
  private final Deadline deadline;
  private final Metadata metadata;
  private final String compression;
  private final ResponseMetadata responseMetadata;
  private final boolean waitForReady;

  private CallOptions(
      Duration timeout,
      Deadline deadline,
      Metadata metadata,
      String compression,
      ResponseMetadata responseMetadata,
      boolean waitForReady) {
    this.timeout = timeout;
    this.deadline = deadline;
    this.metadata = metadata;
    this.compression = compression;
    this.responseMetadata = responseMetadata;
    this.waitForReady = waitForReady;
  }

  /** Every call must finish within {@code timeout} of its start. */
  public CallOptions withTimeout(Duration timeout) {
    return new CallOptions(
        Objects.requireNonNull(timeout, "timeout"),
        deadline,
        metadata,
        compression,
        responseMetadata,
        waitForReady);
  }

  /** Every call must finish by {@code deadline}. */
  public CallOptions withDeadline(Deadline deadline) {
    return new CallOptions(
        timeout,
        Objects.requireNonNull(deadline, "deadline"),
        metadata,
        compression,
        responseMetadata,
        waitForReady);
  }

  /**
   * Sends {@code metadata} as request headers, merged with any set before: its values are added
   * after the existing values of the same key (a key may carry several values).
   */
  public CallOptions withMetadata(Metadata metadata) {
    Metadata merged =
        this.metadata.isEmpty() ? metadata : this.metadata.toBuilder().putAll(metadata).build();
    return new CallOptions(timeout, deadline, merged, compression, responseMetadata, waitForReady);
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
    return new CallOptions(timeout, deadline, metadata, name, responseMetadata, waitForReady);
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
        waitForReady);
  }

  /**
   * Calls wait until the channel is ready instead of failing at once with {@code UNAVAILABLE} while
   * it is not (gRPC's wait-for-ready): through failed attempts to connect and their back-off, until
   * the call's deadline ({@code DEADLINE_EXCEEDED}), a cancel, or the channel's shutdown. A call
   * that was sent can still fail with {@code UNAVAILABLE} if the connection breaks under it. How
   * many calls may wait at once is bounded by {@link ChannelOptions#maxWaitingCalls()}.
   */
  public CallOptions withWaitForReady() {
    return new CallOptions(timeout, deadline, metadata, compression, responseMetadata, true);
  }

  /** Calls fail at once with {@code UNAVAILABLE} while the channel cannot connect (the default). */
  public CallOptions withoutWaitForReady() {
    return new CallOptions(timeout, deadline, metadata, compression, responseMetadata, false);
  }

  /** Whether calls wait for the channel to become ready ({@link #withWaitForReady()}). */
  public boolean isWaitForReady() {
    return waitForReady;
  }

  /**
   * The effective deadline for a call starting now: the earlier of the timeout and the deadline, or
   * null.
   */
  public Deadline effectiveDeadline() {
    Deadline fromTimeout = timeout == null ? null : Deadline.after(timeout);
    if (fromTimeout == null) {
      return deadline;
    }
    return fromTimeout.earliest(deadline);
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
        + "]";
  }
}
