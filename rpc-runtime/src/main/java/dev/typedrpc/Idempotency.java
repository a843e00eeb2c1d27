package dev.typedrpc;

/**
 * Whether a method may be called again with the same request without harm: protobuf's {@code
 * MethodOptions.IdempotencyLevel}, declared with {@code @Idempotent} on the service interface and
 * recorded in its {@link MethodDescriptor}. The client retries idempotent methods by default (see
 * {@link RetryPolicy}).
 */
public enum Idempotency {
  /** Not declared: the method may not be repeated ({@code IDEMPOTENCY_UNKNOWN}). */
  UNKNOWN,
  /**
   * Repeating it is harmless, but it may change state ({@code @Idempotent}, {@code IDEMPOTENT}).
   */
  IDEMPOTENT,
  /**
   * It changes nothing ({@code @Idempotent(sideEffects = false)}, {@code NO_SIDE_EFFECTS}): it may
   * also be cached.
   */
  NO_SIDE_EFFECTS;

  /** Whether a call may be sent again: {@link #IDEMPOTENT} or {@link #NO_SIDE_EFFECTS}. */
  public boolean isIdempotent() {
    return this != UNKNOWN;
  }
}
