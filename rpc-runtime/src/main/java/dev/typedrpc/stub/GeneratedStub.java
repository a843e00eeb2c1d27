package dev.typedrpc.stub;

import dev.typedrpc.CallOptions;

/**
 * Implemented by every generated client stub, so {@link dev.typedrpc.RpcStubs} can make a view of
 * it with other call options. Not for users to call: use {@code RpcStubs}.
 *
 * @param <S> the service interface the stub implements
 */
public interface GeneratedStub<S> {
  /** The options every call of this stub uses. */
  CallOptions rpcCallOptions();

  /**
   * A stub of the same service on the same channel whose calls use {@code options}; cheap, this one
   * is kept.
   */
  S rpcWithCallOptions(CallOptions options);
}
