package dev.typedrpc;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-call settings a client chooses: a deadline, request metadata, whether to wait for ready. Immutable; each {@code with*} method
 * returns a copy.
 *
 * <p>A stub made with options applies them to every call it makes; {@link #withTimeout} is measured from the
 * start of each call, {@link #withDeadline} is an absolute deadline shared by all calls.
 */
public final class CallOptions {
  public static final CallOptions DEFAULT = new CallOptions(null, null, Metadata.EMPTY);

  private final Duration timeout;
  private final Deadline deadline;
  private final Metadata metadata;
  private final boolean waitForReady;

  private CallOptions(Duration timeout, Deadline deadline, Metadata metadata) {
    this(timeout, deadline, metadata, false);
  }

  private CallOptions(Duration timeout, Deadline deadline, Metadata metadata, boolean waitForReady) {
    this.timeout = timeout;
    this.deadline = deadline;
    this.metadata = metadata;
    this.waitForReady = waitForReady;
  }

  /** Every call must finish within {@code timeout} of its start. */
  public CallOptions withTimeout(Duration timeout) {
    return new CallOptions(Objects.requireNonNull(timeout, "timeout"), deadline, metadata, waitForReady);
  }

  /** Every call must finish by {@code deadline}. */
  public CallOptions withDeadline(Deadline deadline) {
    return new CallOptions(timeout, Objects.requireNonNull(deadline, "deadline"), metadata, waitForReady);
  }

  /** Sends {@code metadata} (added to any set before) as request headers. */
  public CallOptions withMetadata(Metadata metadata) {
    Metadata merged = this.metadata.isEmpty() ? metadata : this.metadata.toBuilder().putAll(metadata).build();
    return new CallOptions(timeout, deadline, merged, waitForReady);
  }

  /**
   * Calls wait until the channel is ready instead of failing at once with {@code UNAVAILABLE} while it is not
   * (gRPC's wait-for-ready): through failed attempts to connect and their back-off, until the call's deadline
   * ({@code DEADLINE_EXCEEDED}), a cancel, or the channel's shutdown. A call that was sent can still fail with
   * {@code UNAVAILABLE} if the connection breaks under it. How many calls may wait at once is bounded by {@link
   * ChannelOptions#maxWaitingCalls()}.
   */
  public CallOptions withWaitForReady() {
    return new CallOptions(timeout, deadline, metadata, true);
  }

  /** Calls fail at once with {@code UNAVAILABLE} while the channel cannot connect (the default). */
  public CallOptions withoutWaitForReady() {
    return new CallOptions(timeout, deadline, metadata, false);
  }

  /** Whether calls wait for the channel to become ready ({@link #withWaitForReady()}). */
  public boolean isWaitForReady() {
    return waitForReady;
  }

  /** The effective deadline for a call starting now: the earlier of the timeout and the deadline, or null. */
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

  @Override
  public String toString() {
    return "CallOptions[timeout="
        + timeout
        + ", deadline="
        + deadline
        + ", metadata="
        + metadata
        + (waitForReady ? ", waitForReady" : "")
        + "]";
  }
}
