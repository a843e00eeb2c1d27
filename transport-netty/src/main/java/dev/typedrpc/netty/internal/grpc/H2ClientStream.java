package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * One gRPC call on an HTTP/2 client connection. The {@link ClientStream} methods may be called from
 * any thread and run on the connection's event loop in the order called; everything else runs on
 * the loop. Until the connection is up the stream waits (its messages and half-close are kept); its
 * listener is closed exactly once.
 */
final class H2ClientStream
    implements ClientStream, GrpcInbound.Sink, GrpcInbound.FlowControl, Runnable {
  /**
   * Stands for a null message (e.g. {@code Void}) in the queue of messages waiting for the
   * connection.
   */
  private static final Object NULL_MESSAGE = new Object();

  private final H2ClientHandler handler;
  private final EventLoop loop;

  /** Where calls from other threads queue their work for the loop ({@link #run}). */
  private final H2WriteQueue writes;

  private final MethodDescriptor<?, ?> method;
  private final Metadata headers;
  private final Deadline deadline;
  private final ClientStreamListener listener;
  private final GrpcInbound inbound;
  // Fields updated atomically through these rather than an AtomicInteger and an AtomicBoolean per
  // call, as H2ServerStream does.
  private static final VarHandle QUEUED;
  private static final VarHandle CANCEL_CALLED;
  private static final VarHandle CREDIT;
  private static final VarHandle LAST;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      QUEUED = lookup.findVarHandle(H2ClientStream.class, "queued", int.class);
      CANCEL_CALLED = lookup.findVarHandle(H2ClientStream.class, "cancelCalled", boolean.class);
      CREDIT = lookup.findVarHandle(H2ClientStream.class, "credit", long.class);
      LAST = lookup.findVarHandle(H2ClientStream.class, "last", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Messages written and not yet handed to HTTP/2 (with QUEUED). */
  private volatile int queued;

  /** {@link #cancel} was called (set once, with CANCEL_CALLED). */
  @SuppressWarnings("UnusedVariable") // read and written through CANCEL_CALLED only
  private volatile boolean cancelCalled;

  /** Messages requested from other threads and not yet handed to the loop (with CREDIT). */
  @SuppressWarnings("UnusedVariable") // read and written through CREDIT only
  private volatile long credit;

  /**
   * The last request message given from another thread, waiting for {@link #run} (with LAST; null
   * messages as NULL_MESSAGE), and its encoded size.
   */
  @SuppressWarnings("UnusedVariable") // read and written through LAST only
  private volatile Object last;

  private int lastSize;

  /**
   * A message or half-close was queued from another thread as a command of its own: a last message
   * after it must queue behind it, not travel with {@link #run}.
   */
  private volatile boolean orderedWrites;

  /** {@link #run} has asked the connection for the stream (loop only). */
  private boolean startAsked;

  private final H2Backlog backlog = new H2Backlog(this::backlogDrained);
  private volatile boolean writable;
  private volatile boolean started;
  private volatile boolean finished;
  private volatile boolean halfClosed;
  // loop only:
  // messages written before the stream opened, null messages as NULL_MESSAGE; made when needed
  private ArrayDeque<Object> waiting;
  private boolean halfCloseWaiting;
  // the last message and its encoded size, computed by the stub: framed without a size pass
  private Object sizedMessage;
  private int sizedSize;
  private int id = -1;
  private boolean headersReceived;
  private CharSequence httpStatus;
  private Status finalStatus;
  private Metadata finalTrailers = Metadata.EMPTY;

  /** The server's END_STREAM arrived (loop only). */
  private boolean serverEnded;

  /** The server never started the call: its listener hears {@code onRefused}. */
  private boolean refused;

  private boolean refusedByGoAway;
  private final boolean gzip;

  H2ClientStream(
      H2ClientHandler handler,
      EventLoop loop,
      H2WriteQueue writes,
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener) {
    this.handler = handler;
    this.loop = loop;
    this.writes = writes;
    this.method = method;
    this.headers = headers;
    // a call's own grpc-encoding (CallOptions.withCompression) overrides the address's
    // grpc-compression
    String encoding = headers.get(GrpcWire.GRPC_ENCODING.toString());
    this.gzip = encoding == null ? handler.gzipRequests() : encoding.equals(GrpcWire.GZIP);
    this.deadline = deadline;
    this.listener = listener;
    this.inbound =
        new GrpcInbound(
            method.responseCodec(),
            method.fullName(),
            handler.settings().maxMessageSize(),
            Status.INTERNAL,
            ByteBufAllocator.DEFAULT,
            this); // returnBytes: no object of its own per call
    inbound.start(this);
  }

  // ---------------------------------------------------------------- from the connection (loop)

  /** The connection is up: opens the HTTP/2 stream and sends what waited. */
  void begin(ChannelHandlerContext ctx) {
    if (finished) {
      return;
    }
    long remaining = deadline == null ? 0 : deadline.remainingNanos();
    if (deadline != null && remaining <= 0) {
      close(
          Status.DEADLINE_EXCEEDED.withDescription("deadline passed before the call was sent"),
          Metadata.EMPTY);
      return;
    }
    if (!handler.connection().local().canOpenStream()) {
      handler.waitForFreeStream(this); // MAX_CONCURRENT_STREAMS in use: wait, as gRPC-Java does
      return;
    }
    Http2Headers h =
        deadline == null && !gzip && headers.isEmpty()
            ? handler.plainRequestHeaders(method) // shared, never changed
            : handler.newRequestHeaders(method);
    if (gzip) {
      h.set(GrpcWire.GRPC_ENCODING, GrpcWire.GZIP);
    } else if (GrpcWire.IDENTITY.equals(headers.get(GrpcWire.GRPC_ENCODING.toString()))) {
      // asked for by the call: the server answers without compression, as on every transport
      h.set(GrpcWire.GRPC_ENCODING, GrpcWire.IDENTITY);
    }
    if (deadline != null) {
      h.set(GrpcWire.GRPC_TIMEOUT, GrpcWire.encodeTimeout(remaining));
    }
    try {
      if (!headers.isEmpty()) {
        GrpcWire.putMetadata(headers, h);
      }
    } catch (IllegalArgumentException e) {
      // a value HTTP/2 refuses (the Metadata API refuses them first): the call ends, never hangs
      close(
          Status.INTERNAL.withDescription(
              "request metadata HTTP/2 cannot carry: " + e.getMessage()),
          Metadata.EMPTY);
      return;
    }
    int streamId = handler.connection().local().incrementAndGetNextStreamId();
    if (streamId < 0) {
      refuse(Status.UNAVAILABLE.withDescription("stream ids of this connection are used up"));
      handler.shutdown(Status.UNAVAILABLE.withDescription("stream ids used up"));
      return;
    }
    ChannelFuture written =
        handler.encoder().writeHeaders(ctx, streamId, h, 0, false, ctx.newPromise());
    Http2Stream stream = handler.connection().stream(streamId);
    if (stream == null || (written.isDone() && !written.isSuccess())) {
      Throwable cause = written.cause();
      refuse( // the stream never opened: nothing was sent
          Status.UNAVAILABLE.withDescription(
              "could not open an HTTP/2 stream: "
                  + (cause == null ? "refused" : cause.getMessage())));
      return;
    }
    id = streamId;
    handler.attach(stream, this);
    started = true;
    writable = handler.isWritable(stream);
    Object m;
    while (waiting != null && (m = waiting.poll()) != null) {
      send(m == NULL_MESSAGE ? null : m, halfCloseWaiting && waiting.isEmpty());
    }
    waiting = null;
    if (halfCloseWaiting && !finished) {
      sendHalfClose(); // no message waited to carry the end of the request
    }
    handler.flushSoon();
    if (demand() > 0) {
      listener.onReady();
    }
  }

  /**
   * Ends the call with {@code status}: it could not start, or its connection is shutting down now.
   */
  void end(Status status) {
    close(status, Metadata.EMPTY);
  }

  /** The HTTP/2 stream id, or -1 before the stream opened. */
  int id() {
    return id;
  }

  /** Ends the call, which the server never started: the channel may send it again elsewhere. */
  void refuse(Status status) {
    refused = true;
    close(status, Metadata.EMPTY);
  }

  /** The server's GOAWAY says it will not process this stream (its id is above the last one). */
  void refusedByGoAway() {
    if (finalStatus == null && !headersReceived) {
      refusedByGoAway = true;
    }
  }

  void onHeaders(Http2Headers h, boolean endStream) {
    if (finished) {
      return;
    }
    serverEnded |= endStream;
    if (headersReceived) { // trailers
      finalStatus = GrpcWire.status(h, httpStatus);
      finalTrailers = metadataOrEmpty(h);
      inbound.onData(
          Unpooled.EMPTY_BUFFER, true); // the status is reported after the messages before it
      return;
    }
    headersReceived = true;
    httpStatus = h.status();
    if (endStream) { // trailers-only
      close(GrpcWire.status(h, httpStatus), metadataOrEmpty(h));
      return;
    }
    if (!GrpcWire.OK_200.contentEquals(httpStatus)
        || !GrpcWire.isGrpcContentType(h.get(GrpcWire.CONTENT_TYPE))) {
      Status s = GrpcWire.fromHttpStatus(httpStatus);
      abort(
          s.withDescription(
              s.description() + " (content-type " + h.get(GrpcWire.CONTENT_TYPE) + ")"));
      return;
    }
    CharSequence encoding = h.get(GrpcWire.GRPC_ENCODING);
    if (encoding != null && !encoding.toString().equalsIgnoreCase(GrpcWire.IDENTITY)) {
      if (!encoding.toString().equalsIgnoreCase(GrpcWire.GZIP)) {
        abort(
            Status.INTERNAL.withDescription(
                "the server used an unsupported grpc-encoding: " + encoding));
        return;
      }
      inbound.gzip(true);
    }
    Metadata md;
    try {
      md = handler.responseMetadata(h);
    } catch (IllegalStateException e) {
      abort(Status.RESOURCE_EXHAUSTED.withDescription("response " + e.getMessage()));
      return;
    }
    listener.onHeaders(md);
  }

  private Metadata metadataOrEmpty(Http2Headers h) {
    try {
      return GrpcWire.metadata(h, handler.settings().maxMetadataSize());
    } catch (IllegalStateException e) {
      return Metadata.EMPTY;
    }
  }

  void onData(ByteBuf data, boolean endOfStream) {
    serverEnded |= endOfStream;
    if (!finished) {
      inbound.onData(data, endOfStream);
    }
  }

  void reset(long errorCode) {
    if (finalStatus != null) {
      return; // the response is complete and waits for its reader: a reset after it (NO_ERROR)
      // changes nothing
    }
    if (errorCode == Http2Error.REFUSED_STREAM.code() && !headersReceived) {
      refuse(Status.UNAVAILABLE.withDescription("the server refused the stream (REFUSED_STREAM)"));
      return;
    }
    Status status =
        errorCode == Http2Error.REFUSED_STREAM.code()
            ? Status.UNAVAILABLE
            : errorCode == Http2Error.CANCEL.code() ? Status.CANCELLED : Status.INTERNAL;
    close(
        status.withDescription(
            "the server reset the stream (" + Http2Error.valueOf(errorCode) + ")"),
        Metadata.EMPTY);
  }

  /**
   * HTTP/2 closed the stream; unless its trailers arrived and wait for the reader, the call ends
   * here.
   *
   * @param goAway the server's GOAWAY, if one closed the stream; else null
   */
  void streamClosed(Status goAway) {
    if (refusedByGoAway) {
      refuse(
          Status.UNAVAILABLE.withDescription(
              "the server went away before processing the call ("
                  + (goAway != null
                      ? goAway.description()
                      : "above the last stream id of its GOAWAY")
                  + ")"));
    } else if (finalStatus == null) {
      close(
          goAway != null
              ? goAway
              : Status.UNAVAILABLE.withDescription("the connection to the server was closed"),
          Metadata.EMPTY);
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
    close(finalStatus != null ? finalStatus : GrpcWire.fromHttpStatus(httpStatus), finalTrailers);
  }

  @Override
  public void onError(Status status) {
    abort(status);
  }

  // ---------------------------------------------------------------- ClientStream (any thread)

  @Override
  public void request(int n) {
    if (loop.inEventLoop()) {
      requestOnLoop(n); // as onLoop would, without a task object
    } else if ((long) CREDIT.getAndAdd(this, (long) n) == 0) {
      boolean unused = writes.add(this); // run() hands it over; no command object per request
    }
  }

  /**
   * The stream's work queued from other threads without a command object of its own (loop): its
   * start (queued by the transport's {@code newStream}, so before anything else of the call), the
   * messages requested since, and a last message given alone.
   */
  @Override
  public void run() {
    if (!startAsked) {
      startAsked = true;
      if (!finished) { // not cancelled before it could start
        handler.startStream(this);
      }
    }
    long n = (long) CREDIT.getAndSet(this, 0L);
    if (n > 0) {
      requestOnLoop((int) Math.min(Integer.MAX_VALUE, n));
    }
    Object m = LAST.getAndSet(this, null);
    if (m != null) {
      lastOnLoop(m == NULL_MESSAGE ? null : m, lastSize);
    }
  }

  private void requestOnLoop(int n) {
    if (!finished) {
      inbound.request(n);
    }
  }

  /** Keeps a message until the stream opens. */
  private void waitFor(Object message) {
    if (waiting == null) {
      waiting = new ArrayDeque<>(4);
    }
    waiting.add(message == null ? NULL_MESSAGE : message);
  }

  @Override
  public void writeMessage(Object message) {
    int unused = (int) QUEUED.getAndAdd(this, 1);
    orderedWrites = true;
    onLoop(
        () -> {
          int left = (int) QUEUED.getAndAdd(this, -1) - 1;
          if (finished) {
            return;
          }
          if (!started) {
            waitFor(message);
            return;
          }
          send(message, false);
          handler.flushSoon();
          if (left == H2Limits.SEND_WINDOW - 1 && writable && !finished) {
            listener.onReady();
          }
        });
  }

  /** One DATA frame that also ends the request, as a unary or server-streaming call sends. */
  @Override
  public void writeLastMessage(Object message) {
    writeLastMessage(message, -1);
  }

  @Override
  public void writeLastMessage(Object message, int encodedSize) {
    int unused = (int) QUEUED.getAndAdd(this, 1);
    if (loop.inEventLoop()) {
      lastOnLoop(message, encodedSize);
      return;
    }
    if (!orderedWrites) { // the call's only message (unary, server streaming): it goes with run()
      lastSize = encodedSize; // published by the compare-and-set
      if (LAST.compareAndSet(this, null, message == null ? NULL_MESSAGE : message)) {
        boolean unusedAdded = writes.add(this);
        return;
      }
    }
    onLoop(() -> lastOnLoop(message, encodedSize));
  }

  private void lastOnLoop(Object message, int encodedSize) {
    int unusedLeft = (int) QUEUED.getAndAdd(this, -1);
    if (encodedSize >= 0 && message != null) {
      sizedMessage = message;
      sizedSize = encodedSize;
    }
    if (finished) {
      return;
    }
    if (!started) {
      waitFor(message);
      halfCloseWaiting = true;
      return;
    }
    send(message, true);
    handler.flushSoon();
  }

  @Override
  public void halfClose() {
    orderedWrites = true;
    onLoop(
        () -> {
          if (finished) {
            return;
          }
          if (!started) {
            halfCloseWaiting = true;
          } else {
            sendHalfClose();
            handler.flushSoon();
          }
        });
  }

  @Override
  public void cancel(Status status) {
    if (!CANCEL_CALLED.compareAndSet(this, false, true)) {
      return;
    }
    try {
      loop.execute(() -> abort(status));
    } catch (RejectedExecutionException e) {
      listener.onClose(
          status, Metadata.EMPTY); // the loop is gone: nothing else will close the listener
    }
  }

  @Override
  public long demand() {
    if (!started || finished || halfClosed || !writable || backlog.full()) {
      return 0;
    }
    return Math.max(0, H2Limits.SEND_WINDOW - queued);
  }

  // ---------------------------------------------------------------- loop internals

  private void backlogDrained() {
    if (writable && !finished && !halfClosed) {
      listener.onReady();
    }
  }

  void writabilityChanged(boolean nowWritable) {
    boolean was = writable;
    writable = nowWritable;
    if (nowWritable && !was && !finished) {
      listener.onReady();
    }
  }

  /** The stub's size of {@code message}, once, or -1. */
  private int takeSize(Object message) {
    if (message == null || message != sizedMessage) {
      return -1;
    }
    sizedMessage = null;
    return sizedSize;
  }

  /**
   * @param last whether the frame also ends the request (half-closes)
   */
  private void send(Object message, boolean last) {
    if (halfClosed) {
      return;
    }
    ByteBuf framed;
    try {
      framed =
          GrpcFramer.frame(
              ByteBufAllocator.DEFAULT,
              method.requestCodec(),
              message,
              takeSize(message),
              handler.settings().maxMessageSize(),
              gzip ? handler.settings().compressionThreshold() : -1,
              method.fullName());
    } catch (RpcException e) {
      abort(e.status());
      return;
    }
    halfClosed = last;
    ChannelHandlerContext ctx = handler.context();
    ChannelPromise promise = backlog.track(ctx, framed.readableBytes());
    ChannelFuture unused = handler.encoder().writeData(ctx, id, framed, 0, last, promise);
  }

  private void sendHalfClose() {
    if (halfClosed) {
      return;
    }
    halfClosed = true;
    ChannelHandlerContext ctx = handler.context();
    ChannelFuture unused =
        handler.encoder().writeData(ctx, id, Unpooled.EMPTY_BUFFER, 0, true, ctx.newPromise());
  }

  /**
   * Ends the call from this side: RST_STREAM(CANCEL) to the server, {@code status} to the listener.
   */
  private void abort(Status status) {
    close(status, Metadata.EMPTY);
  }

  /**
   * Ends the call once: frees what is buffered, resets the stream if it is still open, closes the
   * listener.
   */
  private void close(Status status, Metadata trailers) {
    if (finished) {
      return;
    }
    finished = true;
    inbound.release();
    waiting = null;
    if (started) {
      if (!(serverEnded && halfClosed)) {
        // Both sides ended: HTTP/2 closes the stream once the frame being read is handled (it
        // applies END_STREAM after its listener returns), so a reset now would only add a frame.
        handler.resetIfOpen(id);
      }
      handler.closed(this);
    } else {
      handler.forget(this);
    }
    if (refused) {
      listener.onRefused(status);
    } else {
      listener.onClose(status, trailers);
    }
  }

  /** Runs {@code task} now on the loop, else queues it behind the call's earlier work. */
  private void onLoop(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
      return;
    }
    boolean unused = writes.add(task); // false: the loop is gone, and the call with it
  }
}
