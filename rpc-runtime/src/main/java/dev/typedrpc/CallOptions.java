package dev.typedrpc;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-call settings a client chooses: a deadline and request metadata. Immutable; each {@code with*} method
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

  private CallOptions(Duration timeout, Deadline deadline, Metadata metadata) {
    this.timeout = timeout;
    this.deadline = deadline;
    this.metadata = metadata;
  }

  /** Every call must finish within {@code timeout} of its start. */
  public CallOptions withTimeout(Duration timeout) {
    return new CallOptions(Objects.requireNonNull(timeout, "timeout"), deadline, metadata);
  }

  /** Every call must finish by {@code deadline}. */
  public CallOptions withDeadline(Deadline deadline) {
    return new CallOptions(timeout, Objects.requireNonNull(deadline, "deadline"), metadata);
  }

  /** Sends {@code metadata} (added to any set before) as request headers. */
  public CallOptions withMetadata(Metadata metadata) {
    Metadata merged = this.metadata.isEmpty() ? metadata : this.metadata.toBuilder().putAll(metadata).build();
    return new CallOptions(timeout, deadline, merged);
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
    return "CallOptions[timeout=" + timeout + ", deadline=" + deadline + ", metadata=" + metadata + "]";
  }
}
