package dev.typedrpc.internal;

import dev.typedrpc.RpcContext;

/** The server call the current thread serves, for the runtime's own packages. */
public final class ServedCall {
  private ServedCall() {}

  /** The context current on this thread, or null outside a server call (no exception). */
  public static RpcContext currentOrNull() {
    return CallContext.currentCall();
  }
}
