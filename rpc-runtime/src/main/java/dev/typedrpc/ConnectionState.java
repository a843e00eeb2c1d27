package dev.typedrpc;

/** The state of an {@link RpcChannel}'s connection, as in gRPC's connectivity states. */
public enum ConnectionState {
  /**
   * No connection and none being made (not yet, or the ready connection was lost); the next call
   * (or {@link RpcChannel#connectNow()}) starts one.
   */
  IDLE,
  /** Connecting, or negotiating which transport to use. */
  CONNECTING,
  /** Connected: calls flow. */
  READY,
  /**
   * The last attempt to connect failed: the channel waits out its back-off, then connects again by
   * itself. Meanwhile calls fail at once with {@code UNAVAILABLE}, unless they wait for ready.
   */
  TRANSIENT_FAILURE,
  /** The channel was shut down; it makes no more calls. */
  SHUTDOWN
}
