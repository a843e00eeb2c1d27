package dev.typedrpc.spi;

import dev.typedrpc.Metadata;
import dev.typedrpc.Status;

/**
 * Events of one client stream. Called on the transport's thread, serialized per stream;
 * implementations must not block. {@link #onClose} comes exactly once, and nothing after it.
 */
public interface ClientStreamListener {
  void onHeaders(Metadata headers);

  /** A decoded response message; never more than were requested. */
  void onMessage(Object message);

  /** {@link ClientStream#demand()} rose from 0. */
  void onReady();

  void onClose(Status status, Metadata trailers);
}
