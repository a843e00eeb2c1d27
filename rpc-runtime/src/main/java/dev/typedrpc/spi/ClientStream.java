package dev.typedrpc.spi;

import dev.typedrpc.Status;

/**
 * The client end of one call on a {@link ClientTransport}. Thread-safe: methods may be called from
 * any thread; the transport orders them as called. Messages are encoded with the method's request
 * codec.
 */
public interface ClientStream {
  /**
   * Lets the server send {@code n} more messages (the transport turns this into flow-control
   * credit).
   */
  void request(int n);

  /**
   * Sends one request message. Callers respect {@link #demand()}; a transport may buffer a little
   * beyond it.
   */
  void writeMessage(Object message);

  /** No more request messages. */
  void halfClose();

  /**
   * Sends the last request message and half-closes: {@link #writeMessage} then {@link #halfClose},
   * which a transport may fold into one frame.
   */
  default void writeLastMessage(Object message) {
    writeMessage(message);
    halfClose();
  }

  /**
   * As {@link #writeLastMessage(Object)}, for a message whose {@link MessageCodec#encodedSize} the
   * caller has just computed (the stub does, to throw a null in a field as its caller's {@link
   * NullPointerException}): a transport may use {@code encodedSize} instead of its own size pass. A
   * message whose size changed since (the caller mutated it) still never goes out wrong: its
   * encoding no longer fits, and the call fails with {@code INTERNAL}.
   */
  default void writeLastMessage(Object message, int encodedSize) {
    writeLastMessage(message);
  }

  /**
   * Ends the stream and tells the server; the listener is closed with {@code status}. Idempotent.
   */
  void cancel(Status status);

  /**
   * How many request messages may be written now without buffering: the server's remaining credit,
   * or 0 while the connection's outbound buffer is full. {@link ClientStreamListener#onReady}
   * signals an increase from 0.
   */
  long demand();
}
