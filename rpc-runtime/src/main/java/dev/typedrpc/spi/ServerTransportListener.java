package dev.typedrpc.spi;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServiceVersion;
import java.util.List;

/**
 * The server's side of the transport contract: routes streams to method implementations. Called on
 * transport threads; implementations must not block.
 */
public interface ServerTransportListener {
  /**
   * The method for a full name ({@code service/method}), or null, in which case the transport ends
   * the stream with {@code UNIMPLEMENTED} without creating a call. The transport needs it to decode
   * request messages.
   */
  MethodDescriptor<?, ?> lookupMethod(String fullMethodName);

  /**
   * A client started a call.
   *
   * @param deadline the client's deadline, or null
   * @return the listener for the stream's events
   */
  ServerStreamListener streamCreated(
      ServerStream stream, MethodDescriptor<?, ?> method, Metadata headers, Deadline deadline);

  /**
   * Where the transport reports connections opening and closing; {@link TransportEvents#NONE} by
   * default.
   */
  default TransportEvents transportEvents() {
    return TransportEvents.NONE;
  }

  /** The services this server runs, announced to every client when a connection opens. */
  default List<ServiceVersion> services() {
    return List.of();
  }

  /**
   * The static file for the HTTP path {@code path} (a {@code GET} or {@code HEAD} that is not an
   * RPC request), or null when there is none: the transport answers {@code 404}. Null by default.
   */
  default WebResource webResource(String path) {
    return null;
  }
}
