package dev.typedrpc;

/**
 * Code around every call a server serves: look at its metadata, time it, reject it. Registered for
 * the whole server ({@link RpcServer.Builder#intercept}), one service ({@link
 * ServerServiceDefinition#intercept(ServerInterceptor...)}) or one method ({@link
 * ServerServiceDefinition#intercept(MethodDescriptor, ServerInterceptor...)}). Interceptors run in
 * order: the server's, then the service's, then the method's, each list in the order given; the
 * first sees a call first and its end last. The same interceptor sees the same calls on every
 * transport.
 *
 * <pre>{@code
 * ServerInterceptor requireTenant = call -> {
 *   if (call.headers().get("x-tenant") == null) {
 *     throw new RpcException(Status.UNAUTHENTICATED.withDescription("x-tenant is required"));
 *   }
 *   return CallObserver.NONE;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ServerInterceptor {
  /**
   * A call arrived. Runs on the server's executor, with {@link RpcContext#current()} set to {@code
   * call}, before the implementation is invoked and before it receives any request message.
   *
   * @return what this interceptor wants to see of the rest of the call, or {@link
   *     CallObserver#NONE}
   * @throws RpcException to reject the call with the exception's status and trailers: later
   *     interceptors and the implementation never run; the interceptors before this one see the
   *     call close with that status
   */
  CallObserver interceptCall(RpcContext call);
}
