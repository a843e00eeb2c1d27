package dev.typedrpc.spi;

import dev.typedrpc.Metadata;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The server end of one call. Thread-safe: methods may be called from any thread; the transport
 * orders them as called. Messages are encoded with the method's response codec.
 */
public interface ServerStream {
  /** Lets the client send {@code n} more request messages. */
  void request(int n);

  /** Sends response headers; optional, at most once, before any message. */
  void writeHeaders(Metadata headers);

  /** Sends one response message. Callers respect {@link #demand()}. */
  void writeMessage(Object message);

  /** Ends the call with a status and trailers. Once; later calls are ignored. */
  void close(Status status, Metadata trailers);

  /**
   * Writes {@code message}, then closes the stream with {@code status}: a unary response in one
   * step, which a transport can hand to its thread as one task instead of two. The default does
   * exactly that in two calls.
   */
  default void writeMessageAndClose(Object message, Status status, Metadata trailers) {
    writeMessage(message);
    close(status, trailers);
  }

  /**
   * How many response messages may be written now without buffering: the client's remaining credit,
   * or 0 while the connection's outbound buffer is full. {@link ServerStreamListener#onReady}
   * signals an increase from 0.
   */
  long demand();

  /**
   * Compresses the response messages with {@code name} ({@code "gzip"}) or not ({@code
   * "identity"}), overriding the request's encoding and the server's default; gzip applies only if
   * the client accepts it. Takes effect if called before the response headers or first message go
   * out; {@code "identity"} also later. Transports without compression ignore it.
   */
  default void setCompression(String name) {}

  /** The remote address, for logs. */
  String peer();

  /**
   * The transport's URI scheme ({@code ws}, {@code h2c}, ...), for {@code RpcContext.transport()};
   * the default, {@code unknown}, suits a transport that does not say.
   */
  default String transport() {
    return "unknown";
  }

  /**
   * The certificate chain the client presented and the transport verified (mutual TLS), the
   * client's own certificate first; empty for a cleartext connection or a client that sent none.
   * The default is empty (a transport without TLS).
   */
  default List<X509Certificate> peerCertificates() {
    return List.of();
  }

  /** The version of this call's service that the client announced, or null if it announced none. */
  default ServiceVersion clientService() {
    return null;
  }
}
