package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.TransportNames;
import dev.typedrpc.spi.ServerStream;
import dev.typedrpc.spi.ServerStreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.EventExecutor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC call on an HTTP/2 server connection. The {@link ServerStream} methods may be called from
 * any thread and run on the channel's event loop in the order called; everything else runs on the
 * loop.
 *
 * <p>Flow control: {@link #demand()} is {@link H2Limits#SEND_WINDOW} minus the messages not yet
 * handed to HTTP/2 while the stream (and connection) is writable and less than {@link
 * H2Limits#SEND_BUFFER} bytes wait for the socket ({@link H2Backlog}), else 0; {@code onReady}
 * follows when that changes. Requests are read only as the call asks for them, and their bytes
 * return to the client's window only then.
 */
final class H2ServerStream
    implements ServerStream,
        GrpcInbound.Sink,
        GrpcInbound.FlowControl,
        H2Exchange,
        BatchFlushingHttp2Handler.PendingWriter {
  /**
   * How close to its deadline a client's reset counts as the deadline (see {@link #resetByClient}).
   */
  static final long DEADLINE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  // Fields updated atomically through these rather than an AtomicInteger and an AtomicBoolean per
  // stream (32 B less for every open stream).
  private static final VarHandle QUEUED;
  private static final VarHandle CLOSE_CALLED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      QUEUED = lookup.findVarHandle(H2ServerStream.class, "queued", int.class);
      CLOSE_CALLED = lookup.findVarHandle(H2ServerStream.class, "closeCalled", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final H2ServerHandler handler;
  private final ChannelHandlerContext ctx;
  private final EventExecutor loop;
  private final int id;
  private final MethodDescriptor<?, ?> method;
  private final GrpcInbound inbound;

  /** The request's grpc-encoding as sent (gzip, identity), or null. */
  private final String requestedEncoding;

  /** The request's grpc-accept-encoding lists gzip. */
  private final boolean clientAcceptsGzip;

  /** Responses are gzipped: decided as the response headers go out (loop only). */
  private boolean gzipOut;

  /** What the implementation chose with {@link #setCompression}, or null (loop only). */
  private String chosenEncoding;

  /** Messages written and not yet handed to HTTP/2 (with QUEUED). */
  private volatile int queued;

  /** {@link #close} was called (set once, with CLOSE_CALLED). */
  private volatile boolean closeCalled;

  /**
   * Bytes a stream gathers into one DATA frame before it hands them to HTTP/2 at once: HTTP/2's
   * default frame size.
   */
  static final int GATHER_BYTES = 16 * 1024;

  /**
   * Framed response messages not yet handed to HTTP/2 (loop only): the first message of a turn of
   * the loop waits here alone; a second one makes it a buffer of {@link #GATHER_BYTES} that the
   * following ones are encoded into. Written before the connection's next flush ({@link
   * BatchFlushingHttp2Handler#writeBeforeFlush}), when full, and before the trailers; freed if the
   * stream ends first. Null when empty.
   */
  private ByteBuf pending;

  /** {@link #pending} is one message in a buffer of its own size. */
  private boolean pendingAlone;

  private final H2Backlog backlog = new H2Backlog(this::backlogDrained);
  private volatile boolean writable;
  private volatile boolean finished; // written on the loop
  private ServerStreamListener listener; // loop only, as the rest below
  private Deadline deadline;
  private boolean headersSent;
  private boolean requestEnded;

  H2ServerStream(
      H2ServerHandler handler,
      Http2Stream stream,
      MethodDescriptor<?, ?> method,
      boolean gzipIn,
      String requestedEncoding,
      boolean clientAcceptsGzip) {
    this.handler = handler;
    this.ctx = handler.context();
    this.loop = ctx.executor();
    this.id = stream.id();
    this.method = method;
    this.requestedEncoding = requestedEncoding;
    this.clientAcceptsGzip = clientAcceptsGzip;
    this.writable = handler.isWritable(stream);
    this.inbound =
        new GrpcInbound(
            method.requestCodec(),
            method.fullName(),
            handler.settings().maxMessageSize(),
            Status.INVALID_ARGUMENT,
            ctx.alloc(),
            this); // returnBytes: no object of its own per call
    inbound.gzip(gzipIn);
    inbound.single(!method.kind().clientSendsMany());
  }

  // ---------------------------------------------------------------- from the connection (loop)

  void start(ServerStreamListener listener) {
    this.listener = listener;
    inbound.start(this);
  }

  @Override
  public void onData(ByteBuf data, boolean endOfStream) {
    requestEnded |= endOfStream;
    if (!finished) {
      inbound.onData(data, endOfStream);
    }
  }

  /** The client reset the stream. */
  /** The call's deadline, from {@code grpc-timeout}; null for none. */
  void deadline(Deadline deadline) {
    this.deadline = deadline;
  }

  /**
   * The client reset the stream. gRPC clients reset with CANCEL both when their user cancels and
   * when their deadline passes; a reset within {@link #DEADLINE_SLACK_NANOS} of this call's
   * deadline is taken as the deadline, so the implementation sees {@code DEADLINE_EXCEEDED} as on
   * every other transport.
   */
  @Override
  public void resetByClient(String error) {
    Deadline d = deadline;
    if (d != null && d.remainingNanos() <= DEADLINE_SLACK_NANOS) {
      reset(
          Status.DEADLINE_EXCEEDED.withDescription(
              "deadline exceeded: the client reset the call at its deadline"));
    } else {
      reset(
          Status.CANCELLED.withDescription(
              "the client cancelled the call (RST_STREAM " + error + ")"));
    }
  }

  void reset(Status status) {
    if (!finished) {
      finished = true;
      inbound.release();
      dropPending();
      if (listener != null) {
        listener.onCancel(status);
      }
    }
  }

  /** HTTP/2 closed the stream: both sides ended, it was reset, or the connection went away. */
  @Override
  public void streamClosed() {
    Status reason = handler.closeReason();
    reset(
        reason != null
            ? reason
            : Status.UNAVAILABLE.withDescription("the connection to the client was closed"));
    inbound.release();
  }

  @Override
  public void writabilityChanged(boolean nowWritable) {
    boolean was = writable;
    writable = nowWritable;
    if (nowWritable && !was) {
      ready();
    }
  }

  // ---------------------------------------------------------------- GrpcInbound.Sink (loop)

  /** The reader took {@code n} bytes: they go back to the stream's HTTP/2 window. */
  @Override
  public void returnBytes(int n) {
    handler.returnBytes(id, n);
  }

  @Override
  public void onMessage(Object message) {
    listener.onMessage(message);
  }

  @Override
  public void onEnd() {
    listener.onHalfClose();
  }

  @Override
  public void onError(Status status) {
    fail(status);
  }

  // ---------------------------------------------------------------- ServerStream (any thread)

  @Override
  public void request(int n) {
    if (loop.inEventLoop()) {
      requestOnLoop(n);
    } else {
      onLoop(() -> requestOnLoop(n));
    }
  }

  private void requestOnLoop(int n) {
    if (!finished) {
      inbound.request(n);
    }
  }

  @Override
  public void writeHeaders(Metadata headers) {
    onLoop(
        () -> {
          if (!finished && !headersSent) {
            sendHeaders(headers);
            handler.flushSoon();
          }
        });
  }

  @Override
  public void setCompression(String name) {
    onLoop(
        () -> {
          chosenEncoding = name;
          if (headersSent && GrpcWire.IDENTITY.equals(name)) {
            gzipOut = false; // the flag is per message: later ones go uncompressed
          }
        });
  }

  /**
   * Whether responses are gzipped: the implementation's choice, else what the request used
   * (identity included), else the server's default; and only if the client accepts gzip.
   */
  private boolean decideGzip() {
    String wanted =
        chosenEncoding != null
            ? chosenEncoding
            : requestedEncoding != null
                ? requestedEncoding
                : handler.compressResponses() ? GrpcWire.GZIP : null;
    return clientAcceptsGzip && GrpcWire.GZIP.equalsIgnoreCase(wanted);
  }

  @Override
  public void writeMessage(Object message) {
    // cast to the exact type, so that the VarHandle call links directly
    int unused = (int) QUEUED.getAndAdd(this, 1);
    if (loop.inEventLoop()) {
      writeOnLoop(message); // as onLoop would, without a task object per message
    } else {
      onLoop(() -> writeOnLoop(message));
    }
  }

  private void writeOnLoop(Object message) {
    int left = (int) QUEUED.getAndAdd(this, -1) - 1;
    if (finished) {
      return;
    }
    send(message);
    if (left == H2Limits.SEND_WINDOW - 1 && writable) {
      ready();
    }
  }

  @Override
  public void close(Status status, Metadata trailers) {
    if (CLOSE_CALLED.compareAndSet(this, false, true)) {
      onLoop(() -> finish(status, trailers));
    }
  }

  @Override
  public void writeMessageAndClose(Object message, Status status, Metadata trailers) {
    if (!CLOSE_CALLED.compareAndSet(this, false, true)) {
      return; // closed already: a message written now would not be sent either
    }
    int unused = (int) QUEUED.getAndAdd(this, 1);
    if (loop.inEventLoop()) {
      writeOnLoop(message);
      finish(status, trailers);
    } else {
      onLoop(
          () -> {
            writeOnLoop(message);
            finish(status, trailers);
          });
    }
  }

  @Override
  public long demand() {
    if (finished || closeCalled || !writable || backlog.full()) {
      return 0;
    }
    return Math.max(0, H2Limits.SEND_WINDOW - queued);
  }

  @Override
  public String transport() {
    return TransportNames.of(ctx.channel(), "h2c");
  }

  @Override
  public java.util.List<java.security.cert.X509Certificate> peerCertificates() {
    return dev.typedrpc.netty.internal.tls.PeerCertificates.of(ctx.channel());
  }

  @Override
  public String peer() {
    return handler.peer();
  }

  // ---------------------------------------------------------------- writing (loop)

  private void send(Object message) {
    if (!headersSent) {
      gzipOut = decideGzip();
    }
    int gzipFrom = gzipOut ? handler.settings().compressionThreshold() : -1;
    try {
      if (pending == null) {
        pending =
            GrpcFramer.frame(
                ctx.alloc(),
                method.responseCodec(),
                message,
                handler.settings().maxMessageSize(),
                gzipFrom,
                method.fullName());
        pendingAlone = true;
      } else {
        if (pendingAlone) { // a second message in this turn: gather from here on
          ByteBuf first = pending;
          pending = ctx.alloc().ioBuffer(Math.max(GATHER_BYTES, 2 * first.readableBytes()) + 64);
          pendingAlone = false;
          pending.writeBytes(first);
          first.release();
        }
        GrpcFramer.frameInto(
            pending,
            ctx.alloc(),
            method.responseCodec(),
            message,
            handler.settings().maxMessageSize(),
            gzipFrom,
            method.fullName());
      }
    } catch (RpcException e) {
      fail(e.status());
      return;
    }
    if (!headersSent) {
      sendHeaders(Metadata.EMPTY);
    }
    if (pending.readableBytes() >= GATHER_BYTES) {
      writePending();
      handler.flushSoon();
    } else if (pendingAlone) { // just became non-empty
      handler.writeBeforeFlush(this);
    }
  }

  /** Hands the gathered messages to HTTP/2 as one DATA frame. */
  @Override
  public void writePending() {
    ByteBuf data = pending;
    if (data == null) {
      return;
    }
    pending = null;
    ChannelPromise promise = backlog.track(ctx, data.readableBytes());
    ChannelFuture unused = handler.encoder().writeData(ctx, id, data, 0, false, promise);
  }

  private void dropPending() {
    ByteBuf data = pending;
    if (data != null) {
      pending = null;
      data.release();
    }
  }

  private void sendHeaders(Metadata metadata) {
    gzipOut = decideGzip();
    headersSent = true;
    if (!gzipOut && metadata.isEmpty()) {
      ChannelFuture unused =
          handler
              .encoder()
              .writeHeaders(ctx, id, GrpcWire.PLAIN_RESPONSE_HEADERS, 0, false, ctx.newPromise());
      return;
    }
    Http2Headers h =
        new DefaultHttp2Headers()
            .status(GrpcWire.OK_200)
            .set(GrpcWire.CONTENT_TYPE, GrpcWire.APPLICATION_GRPC);
    if (gzipOut) {
      h.set(GrpcWire.GRPC_ENCODING, GrpcWire.GZIP);
    }
    h.set(GrpcWire.GRPC_ACCEPT_ENCODING, GrpcWire.ACCEPTED_ENCODINGS);
    GrpcWire.putMetadata(metadata, h);
    ChannelFuture unused = handler.encoder().writeHeaders(ctx, id, h, 0, false, ctx.newPromise());
  }

  private void finish(Status status, Metadata trailers) {
    if (finished) {
      return;
    }
    writePending(); // the messages before the status
    finished = true;
    inbound.release();
    Http2Headers last =
        !headersSent
            ? GrpcWire.trailersOnly(status, trailers)
            : status.code() == Status.Code.OK
                    && (status.description() == null || status.description().isEmpty())
                    && trailers.isEmpty()
                ? GrpcWire.OK_TRAILERS
                : GrpcWire.statusHeaders(new DefaultHttp2Headers(), status, trailers);
    handler.finish(id, last, requestEnded);
  }

  /**
   * The call broke a rule or a limit: the client hears the status, the implementation is cancelled.
   */
  private void fail(Status status) {
    if (finished) {
      return;
    }
    finish(status, Metadata.EMPTY);
    if (listener != null) {
      listener.onCancel(status);
    }
  }

  private void backlogDrained() {
    if (writable) {
      ready();
    }
  }

  private void ready() {
    if (!finished && listener != null) {
      listener.onReady();
    }
  }

  private void onLoop(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
      return;
    }
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // the connection's loop is gone: the call has already been cancelled with UNAVAILABLE
    }
  }
}
