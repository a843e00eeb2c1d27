package dev.typedrpc;

/**
 * Code around every call a client makes: add metadata, time the call, fail it before it is sent.
 * Registered for a channel ({@link ChannelOptions#withInterceptors}) or for the calls of a stub
 * ({@link CallOptions#withInterceptors}); the channel's run first, then the call's, each list in
 * the order given. The same interceptor sees the same calls on every transport.
 *
 * <pre>{@code
 * ClientInterceptor bearer = call -> {
 *   call.addHeader("authorization", "Bearer " + tokens.current());
 *   return CallObserver.NONE;
 * };
 * }</pre>
 */
@FunctionalInterface
public interface ClientInterceptor {
  /**
   * A call is starting, on the thread that starts it, before anything is sent.
   *
   * @return what this interceptor wants to see of the rest of the call, or {@link
   *     CallObserver#NONE}
   * @throws RpcException to fail the call with the exception's status before it is sent: later
   *     interceptors never run; the interceptors before this one see the call close with that
   *     status
   */
  CallObserver interceptCall(OutgoingCall call);
}
