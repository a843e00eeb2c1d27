package dev.typedrpc.spi.frame;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** The client end of a call on a {@link FrameConnection}. */
final class ClientFrameStream extends FrameStream implements ClientStream, Runnable {
  private static final Object NULL_LAST = new Object();
  private static final Object SENT_LAST = new Object();
  private static final VarHandle LAST;
  private static final VarHandle FUSED;
  private static final VarHandle PRE_START_CREDIT;

  /** In {@link #fused}: the last request message waits in {@link #last}. */
  private static final long FUSED_LAST = 1;

  /** In {@link #fused}: the start task ran, or an operation that must follow it was queued. */
  private static final long FUSED_CLOSED = 2;

  /** In {@link #fused}: reader demand is counted from this bit up. */
  private static final int FUSED_DEMAND_SHIFT = 2;

  private static final long FUSED_MAX_DEMAND = Integer.MAX_VALUE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      LAST = lookup.findVarHandle(ClientFrameStream.class, "last", Object.class);
      FUSED = lookup.findVarHandle(ClientFrameStream.class, "fused", long.class);
      PRE_START_CREDIT =
          lookup.findVarHandle(ClientFrameStream.class, "preStartCredit", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ClientFrameConnection owner;
  private final ClientStreamListener listener;
  final Metadata headers;
  final Deadline deadline;

  /**
   * Credit the application granted before CALL_START went out, folded into its {@code
   * initial_credit}; -1 once it has gone out. Through {@link #PRE_START_CREDIT}.
   */
  private volatile long preStartCredit;

  /** Has an id and is in the connection's stream table. */
  boolean registered;

  /**
   * CALL_START is on the wire: written at the stream's first outbound frame or at the end of the
   * batch.
   */
  boolean callStartWritten;

  private boolean headersReceived;
  private boolean halfClosePending;
  private boolean halfClosed;
  private Status deferredStatus;
  private Metadata deferredTrailers;

  /**
   * The last request message written from another thread, for {@link #run()} ({@link #NULL_LAST}
   * for null), set once by compare-and-set; then {@link #SENT_LAST}. Its encoded size, or -1.
   */
  private volatile Object last;

  private int lastSize;

  /**
   * What the caller did between {@code newStream} and the start task's run on the connection's
   * thread, done by that one task instead of a task each: reader demand ({@code request}) and the
   * last request message ({@link #FUSED_LAST}). {@link #FUSED_CLOSED} once the task ran, or once an
   * operation that must come after the start was queued on its own (nothing joins the start task
   * then, so nothing overtakes it). A unary call from another thread costs one task.
   */
  private volatile long fused;

  ClientFrameStream(
      ClientFrameConnection conn,
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener) {
    // the server accepts one request message before granting more; the client grants at CALL_START
    super(conn, 0, method, true, 0, 1);
    this.owner = conn;
    this.listener = listener;
    this.headers = headers;
    this.deadline = deadline;
  }

  /** Called when CALL_START is written: returns the credit to announce in it. */
  int takeInitialCredit() {
    long credit = (long) PRE_START_CREDIT.getAndSet(this, -1L);
    // the rest of the reader's demand is granted as it takes messages (FrameStream.grantCredit)
    return (int) Math.min(credit, conn.settings.maxBufferedMessages());
  }

  /** Counts credit announced in CALL_START as granted (executor only). */
  void announcedInitialCredit(int n) {
    if (n > 0) {
      requestGranted(n);
    }
  }

  // ------------------------------------------------------------ ClientStream (any thread)

  @Override
  public void request(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("request(" + n + "): n must be positive");
    }
    for (long c = preStartCredit; c >= 0; c = preStartCredit) {
      if (PRE_START_CREDIT.compareAndSet(this, c, c + n < 0 ? Long.MAX_VALUE : c + n)) {
        if (conn.runsNow()) {
          readerDemandOnly(n); // on the connection's thread already: no task
        } else if (!fuseDemand(n)) {
          conn.execute(() -> readerDemandOnly(n));
        }
        return;
      }
    }
    if (conn.runsNow()) {
      request((long) n);
    } else {
      conn.execute(() -> request((long) n));
    }
  }

  @Override
  public void writeMessage(Object message) {
    useAppCredit();
    if (conn.runsNow()) {
      sendOrQueue(message);
    } else {
      closeFusing();
      conn.execute(() -> sendOrQueue(message));
    }
  }

  /** As {@link #writeLastMessage(Object)}; the writer uses {@code encodedSize} for its frame. */
  @Override
  public void writeLastMessage(Object message, int encodedSize) {
    useAppCredit();
    if (conn.runsNow()) {
      if (encodedSize >= 0) {
        sized(message, encodedSize);
      }
      sendLast(message);
    } else if (LAST.compareAndSet(this, null, message == null ? NULL_LAST : message)) {
      lastSize = encodedSize; // read by sendFusedLast(), which the executor runs after this
      if (!fuseLast()) {
        conn.execute(this::sendFusedLast);
      }
    } else {
      closeFusing();
      conn.execute(
          () -> {
            if (encodedSize >= 0) {
              sized(message, encodedSize);
            }
            sendLast(message);
          });
    }
  }

  /** The last request message and the half-close, in one frame when the message fits. */
  @Override
  public void writeLastMessage(Object message) {
    writeLastMessage(message, -1);
  }

  /**
   * The start task (executor only): starts the stream, then does what the caller did meanwhile
   * ({@link #fused}). The stream is its own task, so starting it allocates none.
   */
  @Override
  public void run() {
    long done = (long) FUSED.getAndSet(this, FUSED_CLOSED);
    owner.start(this);
    long demand = done >>> FUSED_DEMAND_SHIFT;
    if (demand > 0 && !closed) {
      readerDemandOnly(demand);
    }
    if ((done & FUSED_LAST) != 0) {
      sendFusedLast();
    }
  }

  private boolean fuseDemand(int n) {
    for (long f = fused; (f & FUSED_CLOSED) == 0; f = fused) {
      long demand = Math.min(FUSED_MAX_DEMAND, (f >>> FUSED_DEMAND_SHIFT) + n);
      long next = (demand << FUSED_DEMAND_SHIFT) | (f & FUSED_LAST);
      if (FUSED.compareAndSet(this, f, next)) {
        return true;
      }
    }
    return false;
  }

  private boolean fuseLast() {
    for (long f = fused; (f & FUSED_CLOSED) == 0; f = fused) {
      if (FUSED.compareAndSet(this, f, f | FUSED_LAST)) {
        return true;
      }
    }
    return false;
  }

  /**
   * An operation is about to be queued on its own: nothing the caller does after it may join the
   * start task, which would run it first.
   */
  private void closeFusing() {
    for (long f = fused; (f & FUSED_CLOSED) == 0; f = fused) {
      if (FUSED.compareAndSet(this, f, f | FUSED_CLOSED)) {
        return;
      }
    }
  }

  /**
   * Sends the last message {@link #writeLastMessage} left in {@link #last} (on the connection's
   * thread).
   */
  private void sendFusedLast() {
    Object message = last == NULL_LAST ? null : last;
    LAST.setVolatile(this, SENT_LAST); // nothing kept; a second last message takes the other path
    if (lastSize >= 0) {
      sized(message, lastSize);
    }
    sendLast(message);
  }

  private void sendLast(Object message) {
    if (closed || halfClosed || halfClosePending) {
      return;
    }
    halfClosePending = true;
    sendOrQueue(message);
  }

  @Override
  boolean endsOutbound() {
    return halfClosePending && !halfClosed && outboxEmpty();
  }

  @Override
  void outboundEndedWithMessage() {
    halfClosed = true;
  }

  @Override
  public void halfClose() {
    closeFusing();
    conn.execute(
        () -> {
          if (closed || halfClosed || halfClosePending) {
            return;
          }
          halfClosePending = true;
          if (outboxEmpty()) {
            onOutboxDrained();
          }
        });
  }

  /**
   * Ends the call now, even while the connection still waits for the server's SETTINGS (the other
   * calls' tasks wait for them): a call whose deadline passes in the handshake ends at its
   * deadline, not when the handshake ends. A call not sent yet is simply dropped; its deferred
   * start then finds it closed.
   */
  @Override
  public void cancel(Status status) {
    conn.executeNow(() -> owner.cancelStream(this, status));
  }

  // ------------------------------------------------------------ engine side (executor only)
  // (a request() made before CALL_START only raises the reader's demand: its credit travels in
  // CALL_START)

  @Override
  void onOutboxDrained() {
    if (halfClosePending && !halfClosed && !closed) {
      halfClosed = true;
      conn.writer.writeControl(this, FrameType.HALF_CLOSE, 0);
    }
  }

  void onHeaders(Metadata md) throws ProtocolException {
    if (headersReceived) {
      throw ProtocolException.stream(Status.INTERNAL.withDescription("HEADERS received twice"));
    }
    headersReceived = true;
    try {
      inboundEncoding(MessageCompression.parse(md));
    } catch (ProtocolException e) {
      throw ProtocolException.stream(Status.INTERNAL.withDescription(e.status().description()));
    }
    listener.onHeaders(md);
  }

  /** STATUS from the server: an OK status waits until buffered messages are delivered. */
  void onStatus(Status status, Metadata trailers) {
    if (status.isOk() && !inboxDrained()) {
      deferredStatus = status;
      deferredTrailers = trailers;
      return;
    }
    owner.finishStream(this, status, trailers, false);
  }

  @Override
  void afterDelivery() {
    if (deferredStatus != null && inboxDrained() && !closed) {
      Status s = deferredStatus;
      deferredStatus = null;
      owner.finishStream(this, s, deferredTrailers, false);
    }
  }

  void close(Status status, Metadata trailers) {
    closed = true;
    listener.onClose(status, trailers);
  }

  /** Ends the stream, which the server never started: the channel may send the call again. */
  void refuse(Status status) {
    closed = true;
    listener.onRefused(status);
  }

  @Override
  void deliverMessage(Object message) {
    listener.onMessage(message);
  }

  @Override
  void deliverInboundEnd() {
    // client streams end with STATUS, never with END_STREAM
  }

  @Override
  void notifyReady() {
    listener.onReady();
  }

  @Override
  void sendCredit(int n) {
    if (callStartWritten) { // before CALL_START, credit is folded into it
      conn.writer.writeCredit(this, n);
    }
  }

  @Override
  Status decodeFailure(Throwable cause) {
    return Status.INTERNAL
        .withDescription("could not decode a response of " + method.fullName() + ": " + cause)
        .withCause(cause);
  }
}
