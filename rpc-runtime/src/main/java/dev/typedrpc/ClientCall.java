package dev.typedrpc;

/**
 * One call from the client's side, at the level below the typed stubs: start it, send messages, ask
 * for responses, and hear about them through a {@link Listener}. Stubs adapt this to blocking
 * calls, futures and {@link java.util.concurrent.Flow.Publisher}s.
 *
 * <p>Methods may be called from any thread but not concurrently with each other (as with gRPC's
 * ClientCall). {@link #cancel} is the exception: it may be called at any time, from any thread, any
 * number of times. Listener callbacks for one call are serialized and never run concurrently.
 */
public interface ClientCall<Req, Resp> {

  /**
   * Callbacks for one call. The listener sees exactly one {@link #onClose}, and nothing after it.
   */
  abstract class Listener<Resp> {
    /** Response headers arrived (before any message). */
    public void onHeaders(Metadata headers) {}

    /** A response message arrived; at most as many as were {@link ClientCall#request requested}. */
    public void onMessage(Resp message) {}

    /**
     * The call can take more messages without buffering: {@link ClientCall#isReady} turned true.
     */
    public void onReady() {}

    /** The call ended, successfully ({@link Status#isOk()}) or not. */
    public void onClose(Status status, Metadata trailers) {}
  }

  /** Starts the call; must come before any other method. */
  void start(Listener<Resp> listener, Metadata headers);

  /**
   * Asks for {@code n} more response messages; the server learns the credit and may send that many.
   */
  void request(int n);

  /** Sends one request message. */
  void sendMessage(Req message);

  /** No more request messages will be sent. */
  void halfClose();

  /** Sends the last request message and half-closes; a transport may send both in one frame. */
  default void sendLastMessage(Req message) {
    sendMessage(message);
    halfClose();
  }

  /**
   * Ends the call with {@code CANCELLED}; the server is told and its implementation observes the
   * cancellation. Idempotent; harmless after the call closed.
   */
  void cancel(String reason, Throwable cause);

  /**
   * Whether the server has granted credit and the transport can take a message now without
   * buffering.
   */
  boolean isReady();
}
