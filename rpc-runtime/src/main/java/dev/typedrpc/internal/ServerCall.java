package dev.typedrpc.internal;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.RpcException;
import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ServerStream;
import dev.typedrpc.spi.ServerStreamListener;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call on the server: runs the implementation on the server's executor (events of the call in
 * order), enforces the deadline, forwards cancellation to the implementation, and turns its result
 * or exception into messages and a status.
 */
final class ServerCall<Req, Resp> implements ServerStreamListener, CallContext.ResponseMetadata {
  private static final Logger log = LoggerFactory.getLogger(ServerCall.class);

  // Fields updated with compare-and-set through these rather than an AtomicBoolean and an
  // AtomicInteger per call (32 B less for every open call).
  private static final VarHandle CLOSED;
  private static final VarHandle SENT;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      CLOSED = lookup.findVarHandle(ServerCall.class, "closed", boolean.class);
      SENT = lookup.findVarHandle(ServerCall.class, "sent", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final MethodHandler<Req, Resp> handler;
  private final List<ServerInterceptor> interceptors;

  /** The observers of the call's interceptors; null when it has none (no cost per call then). */
  private final Interception interception;

  private boolean rejected; // serial executor: an interceptor refused the call
  private final ServerStream stream;
  private final CallContext context;
  private final SerializingExecutor serial;
  private volatile boolean closed; // set once, with CLOSED
  private ScheduledFuture<?> deadlineTimer;
  private Req request;
  private boolean hasRequest;
  private volatile OutboundPump<Resp> pump;
  private RequestPublisher<Req> requests;

  /** 0: nothing sent yet; 1: headers sent; 2: a message was sent (headers can no longer go). */
  private volatile int sent; // with SENT

  private volatile Metadata trailers = Metadata.EMPTY;

  /**
   * The server's version, to send in response metadata when the client sent its own there (a
   * transport without a connect-time exchange); null otherwise.
   */
  private final Metadata versionMetadata;

  /** For {@link #close(Status, Metadata, Object)}: no message goes with the status. */
  private static final Object NO_RESPONSE = new Object();

  ServerCall(
      MethodHandler<Req, Resp> handler,
      List<ServerInterceptor> interceptors,
      ServerStream stream,
      Metadata headers,
      Deadline deadline,
      Executor executor,
      boolean directExecutor,
      dev.typedrpc.ServiceVersion serverVersion) {
    this.handler = handler;
    this.interceptors = interceptors;
    this.interception = interceptors.isEmpty() ? null : new Interception(interceptors.size());
    this.stream = stream;
    dev.typedrpc.ServiceVersion client = stream.clientService();
    Metadata version = null;
    if (client == null) {
      String name = handler.method().serviceName();
      client =
          dev.typedrpc.ServiceVersion.fromMetadataValue(
              name, headers.get(dev.typedrpc.ServiceVersion.METADATA_KEY));
      if (client != null && serverVersion != null) {
        version =
            Metadata.of(dev.typedrpc.ServiceVersion.METADATA_KEY, serverVersion.toMetadataValue());
      }
    }
    this.versionMetadata = version;
    this.context = new CallContext(handler.method(), headers, deadline, stream.peer(), client);
    this.serial = new SerializingExecutor(executor, directExecutor);
    context.responseMetadata(this);
  }

  @Override
  public void sendHeaders(Metadata headers) {
    if (!SENT.compareAndSet(this, 0, 1)) {
      throw new IllegalStateException(
          "response headers go before the first response message, once: "
              + handler.method().fullName());
    }
    stream.writeHeaders(
        versionMetadata == null ? headers : headers.toBuilder().putAll(versionMetadata).build());
  }

  @Override
  public void setCompression(String name) {
    stream.setCompression(name);
  }

  @Override
  public String transport() {
    return stream.transport();
  }

  @Override
  public List<X509Certificate> peerCertificates() {
    return stream.peerCertificates();
  }

  @Override
  public synchronized void addTrailers(Metadata more) {
    trailers = trailers.isEmpty() ? more : trailers.toBuilder().putAll(more).build();
  }

  private void writeMessage(Resp message) {
    if (beforeResponse(message)) {
      stream.writeMessage(message);
    }
  }

  /**
   * What goes before a response message: the interceptors see it (false if one ended the call), and
   * the first one's headers carry this server's version.
   */
  private boolean beforeResponse(Resp message) {
    if (interception != null && !observed(message, false)) {
      return false;
    }
    // a read first: after the first message, no atomic write per message
    if (sent != 2 && (int) SENT.getAndSet(this, 2) == 0 && versionMetadata != null) {
      stream.writeHeaders(
          versionMetadata); // the client learns this server's version with the first response
    }
    return true;
  }

  void start() {
    Deadline deadline = context.deadline();
    if (deadline != null) {
      long nanos = deadline.remainingNanos();
      deadlineTimer =
          Executors2.timers()
              .schedule(
                  () ->
                      close(
                          Status.DEADLINE_EXCEEDED.withDescription(
                              "deadline of "
                                  + TimeUnit.NANOSECONDS.toMillis(nanos)
                                  + " ms exceeded on the server"),
                          Metadata.EMPTY),
                  nanos,
                  TimeUnit.NANOSECONDS);
    }
    if (interception != null) {
      serial.execute(this::intercept); // first: before the implementation and any request
    }
    if (handler.method().kind().clientSendsMany()) {
      requests = new RequestPublisher<>(stream, serial);
      serial.execute(this::invokeStreaming);
    } else {
      stream.request(1);
    }
  }

  // ---------------------------------------------------------- stream events (transport thread)

  @Override
  @SuppressWarnings("unchecked")
  public void onMessage(Object message) {
    if (requests != null) {
      serial.execute(() -> deliver((Req) message));
    } else {
      // no hop: the half-close that follows hands the request to the executor (its queue publishes
      // the write)
      request = (Req) message;
      hasRequest = true;
    }
  }

  @Override
  public void onHalfClose() {
    if (requests != null) {
      serial.execute(asCallCode(requests::onComplete));
    } else {
      serial.execute(this::invokeSingleRequest);
    }
  }

  @Override
  public void onReady() {
    OutboundPump<Resp> p = pump;
    if (p != null) {
      // the implementation's publisher may do work in request(n): never on the transport's thread
      serial.execute(asCallCode(p::onReady));
    }
  }

  @Override
  public void onCancel(Status status) {
    if (CLOSED.compareAndSet(this, false, true)) {
      cancelTimer();
      if (interception != null) {
        interception.onClose(status, Metadata.EMPTY);
      }
      context.cancel(status);
      if (requests != null) {
        serial.execute(asCallCode(() -> requests.onError(status.asException())));
      }
    }
  }

  // ---------------------------------------------------------- interceptors (serial executor)

  /** Runs the interceptors; one that throws rejects the call with its status. */
  private void intercept() {
    context.run(
        () -> {
          try {
            for (ServerInterceptor i : interceptors) {
              interception.add(i.interceptCall(context));
            }
          } catch (RuntimeException | Error e) {
            rejected = true;
            fail(e);
          }
        });
  }

  /**
   * {@code code} of the call (the implementation, or a signal to its publisher or subscriber),
   * inside the observers' {@link dev.typedrpc.CallObserver#run}; for the serial executor. Nothing
   * of a rejected call runs.
   */
  private Runnable asCallCode(Runnable code) {
    if (interception == null) {
      return code;
    }
    return () -> {
      if (!rejected) {
        interception.run(code);
      }
    };
  }

  /**
   * Shows a message to the observers; false if one refused it (the call is then closed with its
   * status).
   */
  private boolean observed(Object message, boolean request) {
    try {
      if (request) {
        interception.onRequest(message);
      } else {
        interception.onResponse(message);
      }
      return true;
    } catch (RpcException e) {
      close(e.status(), e.trailers());
      return false;
    }
  }

  /** Serial executor: a request message of a client- or bidi-streaming call. */
  private void deliver(Req message) {
    if (closed) { // once the call ended, the implementation hears no more requests
      return;
    }
    if (interception == null) {
      requests.onMessage(message);
    } else if (observed(message, true)) {
      interception.run(() -> requests.onMessage(message));
    }
  }

  // ---------------------------------------------------------- invoking the implementation

  private void invokeSingleRequest() {
    if (closed) {
      return;
    }
    if (!hasRequest) {
      close(
          Status.INTERNAL.withDescription("the client half-closed without sending a request"),
          Metadata.EMPTY);
      return;
    }
    Req req = request;
    request = null;
    if (interception != null && !observed(req, true)) {
      return;
    }
    context.run(
        asCallCode(
            () -> {
              try {
                if (handler instanceof MethodHandler.Unary<Req, Resp> h) {
                  Resp response = h.impl().apply(req);
                  respond(response);
                } else if (handler instanceof MethodHandler.UnaryAsync<Req, Resp> h) {
                  awaitStage(h.impl().apply(req));
                } else if (handler instanceof MethodHandler.ServerStreaming<Req, Resp> h) {
                  pumpFrom(h.impl().apply(req));
                }
              } catch (RuntimeException | Error e) {
                fail(e);
              }
            }));
  }

  private void invokeStreaming() {
    if (rejected) {
      return;
    }
    context.run(
        asCallCode(
            () -> {
              try {
                if (handler instanceof MethodHandler.ClientStreaming<Req, Resp> h) {
                  awaitStage(h.impl().apply(requests));
                } else if (handler instanceof MethodHandler.BidiStreaming<Req, Resp> h) {
                  pumpFrom(h.impl().apply(requests));
                }
              } catch (RuntimeException | Error e) {
                fail(e);
              }
            }));
  }

  private void respond(Resp response) {
    if (closed) {
      return;
    }
    if (beforeResponse(response)) {
      close(Status.OK, Metadata.EMPTY, response); // the message and the status in one step
    }
  }

  private void awaitStage(CompletionStage<Resp> stage) {
    if (stage == null) {
      fail(
          new NullPointerException(
              handler.method().fullName() + " returned a null CompletionStage"));
      return;
    }
    CompletableFuture<Resp> future = stage.toCompletableFuture();
    context.addCancelListener(() -> future.cancel(true));
    var unused =
        future.whenComplete(
            (response, error) -> {
              if (error != null) {
                fail(error);
              } else {
                respond(response);
              }
            });
  }

  private void pumpFrom(Flow.Publisher<Resp> publisher) {
    if (publisher == null) {
      fail(new NullPointerException(handler.method().fullName() + " returned a null Publisher"));
      return;
    }
    OutboundPump<Resp> p = new OutboundPump<>(new StreamTarget());
    pump = p;
    context.addCancelListener(p::cancel);
    p.subscribeTo(publisher);
  }

  /** Sends the implementation's items within the client's credit. */
  private final class StreamTarget implements OutboundPump.Target<Resp> {
    @Override
    public long demand() {
      return closed ? 0 : stream.demand();
    }

    @Override
    public void send(Resp item) {
      if (!closed) {
        writeMessage(item);
      }
    }

    @Override
    public void complete() {
      close(Status.OK, Metadata.EMPTY);
    }

    @Override
    public void fail(Throwable error) {
      ServerCall.this.fail(error);
    }

    @Override
    public String describe() {
      return "the response publisher of " + handler.method().fullName();
    }
  }

  private void fail(Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (closed) {
      return; // e.g. the future was cancelled because the call was
    }
    if (e instanceof RpcException rpc) {
      close(rpc.status(), rpc.trailers());
    } else if (e instanceof CancellationException) {
      close(Status.CANCELLED.withDescription("the server cancelled the call"), Metadata.EMPTY);
    } else {
      log.error(
          "{} failed with an unexpected exception (the client sees UNKNOWN)",
          handler.method().fullName(),
          e);
      close(
          Status.UNKNOWN.withDescription("unexpected server error (details are in the server log)"),
          Metadata.EMPTY);
    }
  }

  /**
   * Ends the call once: the stream closes with {@code status}; a non-OK status cancels the
   * implementation.
   */
  private void close(Status status, Metadata trailers) {
    close(status, trailers, NO_RESPONSE);
  }

  /** As above; a {@code response} other than {@link #NO_RESPONSE} is written just before. */
  private void close(Status status, Metadata trailers, Object response) {
    if (!CLOSED.compareAndSet(this, false, true)) {
      return;
    }
    cancelTimer();
    Metadata set = this.trailers;
    if (versionMetadata != null && sent == 0) {
      set =
          set.toBuilder()
              .putAll(versionMetadata)
              .build(); // no headers went out: the version rides the trailers
    }
    Metadata sentTrailers = set.isEmpty() ? trailers : set.toBuilder().putAll(trailers).build();
    // the observers see the end before the client does: what they release (a rate limit's slot
    // for calls in flight, say) is free once the client has its answer and may call again
    if (interception != null) {
      interception.onClose(status, sentTrailers);
    }
    if (response == NO_RESPONSE) {
      stream.close(status, sentTrailers);
    } else {
      stream.writeMessageAndClose(response, status, sentTrailers);
    }
    if (status.isOk()) {
      context.complete();
    } else {
      context.cancel(status);
      if (requests != null) {
        serial.execute(asCallCode(() -> requests.onError(status.asException())));
      }
    }
  }

  private synchronized void cancelTimer() {
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
    }
  }
}
