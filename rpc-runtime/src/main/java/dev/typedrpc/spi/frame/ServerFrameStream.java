package dev.typedrpc.spi.frame;

import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ServerStream;
import dev.typedrpc.spi.ServerStreamListener;

/** The server end of a call on a {@link FrameConnection}. */
final class ServerFrameStream extends FrameStream implements ServerStream {
  private final ServerFrameConnection owner;
  ServerStreamListener listener;
  private boolean headersSent;
  private boolean messageSent;
  private Status pendingStatus;
  private Metadata pendingTrailers;

  ServerFrameStream(
      ServerFrameConnection conn, int id, MethodDescriptor<?, ?> method, int initialCredit) {
    // every stream starts with one credit for the client's first message (PROTOCOL.md, flow
    // control)
    super(conn, id, method, false, 1, initialCredit);
    this.owner = conn;
  }

  // ------------------------------------------------------------ ServerStream (any thread)

  @Override
  public void request(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("request(" + n + "): n must be positive");
    }
    if (conn.runsNow()) {
      request((long) n); // on the connection's thread already: no task
    } else {
      conn.execute(() -> request((long) n));
    }
  }

  @Override
  public void writeHeaders(Metadata headers) {
    conn.execute(
        () -> {
          if (closed || headersSent || messageSent) {
            return;
          }
          headersSent = true;
          conn.writer.writeHeaders(this, withResponseEncoding(headers));
        });
  }

  @Override
  public void setCompression(String name) {
    // on the connection's thread (a direct executor) at once: a message written next must see it
    if (conn.runsNow()) {
      chooseEncoding(name);
    } else {
      conn.execute(() -> chooseEncoding(name));
    }
  }

  private void chooseEncoding(String name) {
    extras().chosenEncoding = name;
    if (headersSent && MessageCompression.IDENTITY.equals(name)) {
      outboundEncoding(null); // the flag is per message: later ones go uncompressed
    }
  }

  /**
   * Decides the response encoding as the response headers go out: the implementation's choice, else
   * what the request used (identity included), else the server's default; gzip only for a client
   * that accepts it. Announced in the headers as {@code grpc-encoding}.
   */
  private Metadata withResponseEncoding(Metadata headers) {
    StreamExtras x = extrasOrNull();
    String wanted =
        x != null && x.chosenEncoding != null
            ? x.chosenEncoding
            : x != null && x.requestedEncoding != null
                ? x.requestedEncoding
                : owner.gzipResponses ? MessageCompression.GZIP : null;
    if (!MessageCompression.GZIP.equalsIgnoreCase(wanted) || !conn.writer.peerAcceptsGzip()) {
      return headers;
    }
    outboundEncoding(MessageCompression.GZIP);
    return headers.toBuilder()
        .put(MessageCompression.ENCODING_KEY, MessageCompression.GZIP)
        .build();
  }

  @Override
  public void writeMessage(Object message) {
    useAppCredit();
    if (conn.runsNow()) {
      sendMessage(message);
    } else {
      conn.execute(() -> sendMessage(message));
    }
  }

  private void sendMessage(Object message) {
    if (!headersSent && !messageSent && !closed) {
      // a compressed response announces its encoding in HEADERS before its first message
      Metadata headers = withResponseEncoding(Metadata.EMPTY);
      if (!headers.isEmpty()) {
        headersSent = true;
        conn.writer.writeHeaders(this, headers);
      }
    }
    messageSent = true;
    sendOrQueue(message);
  }

  @Override
  public void close(Status status, Metadata trailers) {
    if (conn.runsNow()) {
      closeNow(status, trailers);
    } else {
      conn.execute(() -> closeNow(status, trailers));
    }
  }

  @Override
  public void writeMessageAndClose(Object message, Status status, Metadata trailers) {
    useAppCredit();
    if (conn.runsNow()) {
      sendMessage(message);
      closeNow(status, trailers);
    } else {
      conn.execute(
          () -> {
            sendMessage(message);
            closeNow(status, trailers);
          });
    }
  }

  private void closeNow(Status status, Metadata trailers) {
    if (closed || pendingStatus != null) {
      return;
    }
    if (status.isOk() && !outboxEmpty()) {
      // messages still wait for credit: the status follows them
      pendingStatus = status;
      pendingTrailers = trailers;
      return;
    }
    clearOutbox();
    owner.finishStream(this, status, trailers);
  }

  @Override
  public String peer() {
    return conn.sink.peer();
  }

  @Override
  public String transport() {
    return conn.sink.transport();
  }

  @Override
  public java.util.List<java.security.cert.X509Certificate> peerCertificates() {
    return conn.sink.peerCertificates();
  }

  /** Fixed when the call starts: the client announced its services before its first call. */
  private ServiceVersion clientService;

  void clientService(ServiceVersion v) {
    clientService = v;
  }

  @Override
  public ServiceVersion clientService() {
    return clientService;
  }

  // ------------------------------------------------------------ engine side (executor only)

  @Override
  void onOutboxDrained() {
    if (pendingStatus != null && !closed) {
      owner.finishStream(this, pendingStatus, pendingTrailers);
    }
  }

  @Override
  void deliverMessage(Object message) {
    listener.onMessage(message);
  }

  @Override
  void deliverInboundEnd() {
    listener.onHalfClose();
  }

  @Override
  void notifyReady() {
    listener.onReady();
  }

  @Override
  void sendCredit(int n) {
    conn.writer.writeCredit(this, n);
  }

  @Override
  Status decodeFailure(Throwable cause) {
    return Status.INVALID_ARGUMENT
        .withDescription("could not decode the request of " + method.fullName() + ": " + cause)
        .withCause(cause);
  }

  /**
   * The call ended without the server closing it (client cancel, connection loss, protocol error).
   */
  void cancelled(Status status) {
    closed = true;
    if (listener != null) {
      listener.onCancel(status);
    }
  }
}
