package dev.typedrpc.internal;

import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RetryPolicy;

/**
 * Which retry policy a call gets: its own; else, for an idempotent method, its channel's or {@link
 * RetryPolicy#DEFAULT_IDEMPOTENT}; else none. A method that is not declared idempotent is never
 * retried unless the call asks for it.
 */
final class RetryPolicyChoice {
  private RetryPolicyChoice() {}

  /**
   * The policy, or null for none (the transparent retry only).
   *
   * @param call the call's policy, or null
   * @param channel the channel's policy, or null
   */
  @SuppressWarnings("ReferenceEquality") // NONE is one instance
  static RetryPolicy choose(MethodDescriptor<?, ?> method, RetryPolicy call, RetryPolicy channel) {
    RetryPolicy chosen;
    if (call != null) {
      chosen = call;
    } else if (method.idempotency().isIdempotent()) {
      chosen = channel != null ? channel : RetryPolicy.DEFAULT_IDEMPOTENT;
    } else {
      chosen = null;
    }
    return chosen == RetryPolicy.NONE ? null : chosen;
  }
}
