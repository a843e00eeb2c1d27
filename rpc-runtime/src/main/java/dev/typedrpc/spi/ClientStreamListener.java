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

  /**
   * The stream ends, and the server provably never started its call: it was never sent (the
   * connection was shutting down, closed, or never made), or the server refused it unprocessed (a
   * stream above the last stream id of its GOAWAY, HTTP/2's {@code REFUSED_STREAM}). Comes instead
   * of {@link #onClose}, exactly once, and nothing after it. The channel may retry such a call on
   * another connection (transparently, once); by default the stream simply closes with {@code
   * status}.
   */
  default void onRefused(Status status) {
    onClose(status, Metadata.EMPTY);
  }
}
