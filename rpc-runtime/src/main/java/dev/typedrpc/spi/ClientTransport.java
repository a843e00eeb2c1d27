package dev.typedrpc.spi;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import java.util.List;

/**
 * One client connection to a server, carrying many concurrent streams (one per call). Created by a
 * {@link TransportProvider}; the channel above it handles reconnects by creating a new transport.
 *
 * <p>Thread-safe: every method may be called from any thread. Streams may be created before the
 * connection is established; they wait for it, and fail with {@code UNAVAILABLE} if it cannot be
 * made.
 */
public interface ClientTransport {

  /** Hears about the connection's life. Called on the transport's thread; must not block. */
  interface Listener {
    /** The connection is established and streams flow. */
    void transportReady();

    /**
     * The transport takes no new streams: it failed, was shut down, or the server sent go-away.
     * Existing streams may continue. Called once.
     */
    void transportShutdown(Status reason);

    /** Every stream is closed and the connection is released. Called once, last. */
    void transportTerminated();

    /** The services this client uses, announced to the server when the connection opens. */
    default List<ServiceVersion> localServices() {
      return List.of();
    }

    /**
     * The services the server announced, before {@link #transportReady()}; an empty list if the
     * server announced none (then nothing is known about its versions).
     */
    default void serverServices(List<ServiceVersion> services) {}

    /**
     * The server ended the connection because this client pinged too often (GOAWAY {@code
     * too_many_pings}): the channel doubles the keep-alive time of its next connections, as gRPC
     * does. Called before {@link #transportShutdown}.
     */
    default void tooManyPings() {}
  }

  /** Begins connecting. Called once, before anything else. */
  void start(Listener listener);

  /**
   * Starts a stream for one call. Never blocks and never throws for transport failures: a stream
   * that cannot be started is closed through {@code listener.onClose} with a status.
   *
   * @param deadline the call's deadline, sent to the server; may be null
   */
  ClientStream newStream(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener);

  /** Takes no new streams; existing ones finish; then the connection closes. */
  void shutdown(Status reason);

  /** Closes at once; every open stream ends with {@code reason}. */
  void shutdownNow(Status reason);
}
