package dev.typedrpc.stub;

import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;

/** Helpers that generated server code calls. */
public final class ServerCalls {
  private ServerCalls() {}

  /**
   * The exception a generated {@code Skeleton} method throws until the server overrides it: {@code
   * UNIMPLEMENTED} naming the method.
   */
  public static RpcException unimplemented(MethodDescriptor<?, ?> method) {
    return Status.UNIMPLEMENTED
        .withDescription("Method " + method.fullName() + " is not implemented by this server")
        .asException();
  }
}
