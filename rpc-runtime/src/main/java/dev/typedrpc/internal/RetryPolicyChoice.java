package dev.typedrpc.internal;

import dev.typedrpc.CallKind;
import dev.typedrpc.HedgingPolicy;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RetryPolicy;

/**
 * Which retry or hedging policy a call gets: its own; else, for an idempotent method, its channel's
 * (hedging for unary calls only), or {@link RetryPolicy#DEFAULT_IDEMPOTENT}; else none. A method
 * that is not declared idempotent is never sent twice unless the call asks for it.
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

  /**
   * The hedging policy of a unary call, or null if it is not hedged: the call's own, unless the
   * call set a retry policy; else, for an idempotent method, the channel's.
   */
  static HedgingPolicy hedging(
      MethodDescriptor<?, ?> method,
      RetryPolicy callRetry,
      HedgingPolicy callHedging,
      HedgingPolicy channelHedging) {
    if (method.kind() != CallKind.UNARY || callRetry != null) {
      return null;
    }
    if (callHedging != null) {
      return callHedging;
    }
    return method.idempotency().isIdempotent() ? channelHedging : null;
  }
}
