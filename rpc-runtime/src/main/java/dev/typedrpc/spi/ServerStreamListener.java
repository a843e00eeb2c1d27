package dev.typedrpc.spi;

import dev.typedrpc.Status;

/**
 * Events of one server stream. Called on the transport's thread, serialized per stream;
 * implementations must not block. After {@link #onCancel} nothing more is delivered.
 */
public interface ServerStreamListener {
  /** A decoded request message; never more than were requested. */
  void onMessage(Object message);

  /** The client sends no more messages. */
  void onHalfClose();

  /** {@link ServerStream#demand()} rose from 0. */
  void onReady();

  /**
   * The call ended abnormally before the server closed it: the client cancelled, its deadline
   * passed, the connection was lost, or the stream broke the protocol (then {@code status} says
   * how).
   */
  void onCancel(Status status);
}
