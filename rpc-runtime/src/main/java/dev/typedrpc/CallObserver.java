package dev.typedrpc;

/**
 * What an interceptor sees of one call after it started: its messages and its end. Returned by
 * {@link ServerInterceptor#interceptCall} and {@link ClientInterceptor#interceptCall}; every method
 * has a default that does nothing, so an observer overrides only what it needs.
 *
 * <p>On a server, a request is a message received and a response a message sent; on a client, the
 * other way round. Callbacks of one call never run concurrently; {@link #onClose} runs exactly
 * once, last. An observer that throws {@link RpcException} from {@link #onRequest} or {@link
 * #onResponse} ends the call with that status (the message is not delivered); any other exception
 * is logged and ignored.
 */
public interface CallObserver {
  /** An observer that sees nothing. */
  CallObserver NONE = new CallObserver() {};

  /** A request message: received by the server, or sent by the client. */
  default void onRequest(Object message) {}

  /** A response message: sent by the server, or received by the client. */
  default void onResponse(Object message) {}

  /**
   * The call ended: the status and trailers the server sent, or the status the call ended with on
   * the client (a deadline, a cancel, a lost connection).
   */
  default void onClose(Status status, Metadata trailers) {}

  /**
   * Runs a piece of the call's own code: on a server the implementation and everything the runtime
   * calls on it for this call (its publisher's and subscriber's callbacks); on a client the
   * response callbacks. Override it to make a context current around that code (a trace span, a
   * logging MDC); it must call {@code code.run()} exactly once.
   */
  default void run(Runnable code) {
    code.run();
  }
}
