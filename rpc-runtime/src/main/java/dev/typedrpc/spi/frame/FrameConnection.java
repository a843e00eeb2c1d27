package dev.typedrpc.spi.frame;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.internal.Executors2;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportSettings;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The typedrpc frame protocol ({@code docs/PROTOCOL.md}) over one physical connection: stream
 * multiplexing, message-credit flow control, fragmentation, deadlines on the wire, cancellation,
 * go-away, and the stream- and connection-level errors the protocol defines. Transports (WebSocket,
 * SSE, in-memory) feed it whole frames and give it a {@link FrameSink}; it knows nothing of
 * sockets.
 *
 * <p>This class is the transport's entry point and owns the connection's lifecycle (open, GOAWAY,
 * drain, close); the rest is in pieces it wires together: {@link FrameReader} validates inbound
 * frames, {@link Handshake} the SETTINGS exchange and version gate, {@link StreamMap} the open
 * streams, {@link FrameWriter} every outbound write and the flush. {@link ClientFrameConnection}
 * and {@link ServerFrameConnection} are the two ends.
 *
 * <p>Threading: confined to {@link FrameSink#executor()}. Every {@code on*} method must be called
 * there; the stream and shutdown methods may be called from any thread and hop onto it. Listener
 * callbacks run there and must not block.
 */
public abstract sealed class FrameConnection permits ClientFrameConnection, ServerFrameConnection {
  /**
   * Bytes a frame may have beyond {@code maxFrameSize}: its header (type, flags, stream id). A
   * transport that limits its own message size sets {@code maxFrameSize + MAX_FRAME_OVERHEAD}.
   */
  public static final int MAX_FRAME_OVERHEAD = FrameType.MAX_HEADER_SIZE;

  private static final Logger log = LoggerFactory.getLogger(FrameConnection.class);

  final FrameSink sink;
  final TransportSettings settings;
  final StreamMap streams = new StreamMap(this::onStreamsActive, this::onStreamsIdle);
  final Handshake handshake;
  final FrameWriter writer;
  private final FrameReader reader;
  final Timers timers;

  /** The connection's gzip compressor and decompressor, ended in {@link #onClosed}. */
  final GzipCoder gzip = new GzipCoder();

  /** Keep-alive PINGs; null if off. */
  private KeepAliveManager keepAlive;

  boolean open;
  boolean closed;
  boolean draining;
  Status goAwayStatus;

  /** Why the connection closed: what calls that never started are told. */
  Status closeStatus;

  /** The outbound buffer is full: a server's reads are paused until it has room again. */
  private boolean backlogged;

  /** The stall watch runs: from the first backlog until nothing is queued. */
  private boolean watching;

  /**
   * Bytes sent (written less queued) at the last stall check, and when that last grew ({@link
   * System#nanoTime()}).
   */
  private long lastSent;

  private long progressAt;
  private ScheduledFuture<?> stallTimer;

  /** {@link #onClosed} was called: the transport is gone. */
  private boolean transportClosed;

  FrameConnection(FrameSink sink, TransportSettings settings, boolean listsJson) {
    this.sink = sink;
    this.settings = settings;
    this.handshake = new Handshake(settings, listsJson);
    this.writer = new FrameWriter(this, sink, handshake);
    this.reader = new FrameReader(this, settings, handshake);
    this.timers = Timers.system(sink.executor());
  }

  /** The client end of a connection; call {@link #onOpen()} when the physical connection is up. */
  public static FrameConnection client(
      FrameSink sink, TransportSettings settings, ClientTransport.Listener listener) {
    return new ClientFrameConnection(sink, settings, listener, false);
  }

  /**
   * As {@link #client(FrameSink, TransportSettings, ClientTransport.Listener)}; with {@code
   * jsonMessages}, asks the server for proto3 JSON messages ({@link MessageEncoding}): the
   * connection carries them if the server's SETTINGS agree, else binary ones.
   */
  public static FrameConnection client(
      FrameSink sink,
      TransportSettings settings,
      ClientTransport.Listener listener,
      boolean jsonMessages) {
    return new ClientFrameConnection(sink, settings, listener, jsonMessages);
  }

  /** The server end of a connection; call {@link #onOpen()} when the physical connection is up. */
  public static FrameConnection server(
      FrameSink sink, TransportSettings settings, ServerTransportListener listener) {
    return new ServerFrameConnection(sink, settings, listener, false);
  }

  /**
   * As {@link #server(FrameSink, TransportSettings, ServerTransportListener)}; with {@code
   * gzipResponses}, responses are gzipped for clients that accept gzip unless the request asked for
   * identity or the implementation chose otherwise ({@code docs/COMPRESSION.md}).
   */
  public static FrameConnection server(
      FrameSink sink,
      TransportSettings settings,
      ServerTransportListener listener,
      boolean gzipResponses) {
    return new ServerFrameConnection(sink, settings, listener, gzipResponses);
  }

  // ================================================================ application side (any thread)

  /** Starts a client stream; see {@link ClientTransport#newStream}. */
  public ClientStream newStream(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener) {
    throw new IllegalStateException("streams are started by the client");
  }

  /** Takes no new streams; the connection closes when the open ones end. Server: sends GOAWAY. */
  public void shutdown(Status reason) {
    executeNow(() -> beginShutdown(reason, false));
  }

  /** Ends every stream with {@code reason} and closes. */
  public void shutdownNow(Status reason) {
    executeNow(() -> beginShutdown(reason, true));
  }

  /**
   * Runs {@code task} on the connection's executor. On a client that is not open yet, the task
   * waits for the connection, keeping its order.
   */
  void execute(Runnable task) {
    if (runsNow()) {
      task.run(); // the common case, without the wrapper below
      return;
    }
    executeNow(
        () -> {
          if (waitsForPeer()) {
            deferUntilReady(task);
          } else {
            task.run();
          }
        });
  }

  /**
   * Whether a task given to {@link #execute} now would run at once on the calling thread: callers
   * on the hot path then run their code directly instead of allocating a task.
   */
  boolean runsNow() {
    return sink.inExecutor() && !waitsForPeer();
  }

  final void executeNow(Runnable task) {
    if (sink.inExecutor()) {
      task.run();
    } else {
      sink.executor().execute(task);
    }
  }

  // ================================================================ transport side (executor only)

  /**
   * The physical connection is up: sends SETTINGS. A client's calls wait until the server's
   * SETTINGS arrive, so that it knows the server's service versions before it sends anything.
   */
  public void onOpen() {
    if (open || closed) {
      return;
    }
    open = true;
    handshake.writeSettings(writer, localServices());
    writer.scheduleFlush();
    startLiveness();
  }

  /**
   * The outbound buffer crossed a water mark: streams with credit hear they are ready again, and
   * reads paused by a backlog resume.
   */
  public void onWritabilityChanged() {
    if (!sink.isWritable() || closed) {
      return;
    }
    endBacklog();
    for (FrameStream s : streams.snapshot()) {
      if (!s.closed && s.hasAppCredit()) {
        s.notifyReady();
      }
    }
  }

  /**
   * The physical connection is gone: every open stream ends. Idempotent.
   *
   * @param cause why, or null for an orderly close
   */
  public void onClosed(Throwable cause) {
    if (closed && streams.isEmpty() && !hasDeferred()) {
      notifyTerminated();
      return;
    }
    closed = true;
    stopLiveness();
    transportClosed = true;
    gzip.close();
    ScheduledFuture<?> timer = stallTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    Status status =
        goAwayStatus != null
                && !goAwayStatus.isOk()
                && goAwayStatus.code() != Status.Code.UNAVAILABLE
            ? goAwayStatus
            : Status.UNAVAILABLE
                .withDescription(
                    cause == null ? "connection closed" : "connection closed: " + cause)
                .withCause(cause);
    closeStatus = status;
    // the channel hears first, so a call made from a failing call's callback goes to a new
    // connection
    notifyShutdown(status);
    failAllStreams(status);
    runDeferred(); // streams that never started fail as they start
    notifyShutdown(status);
    notifyTerminated();
  }

  /**
   * The transport finished a batch of {@link #onFrame} calls (Netty: {@code channelReadComplete}):
   * writes made while handling them are flushed now, in one go. Optional; a transport that calls it
   * once must call it after every batch. Until then each batch of writes is flushed by a task
   * queued on the executor.
   */
  public void onReadComplete() {
    writer.onReadComplete();
  }

  /** One whole frame arrived. The buffer is read during this call only. */
  public void onFrame(ByteBuffer frame) {
    if (closed) {
      return;
    }
    writer.onReadStart(); // flushes wait for onReadComplete()
    if (keepAlive != null) {
      keepAlive.onDataReceived();
    }
    if (!open) {
      onOpen(); // a frame proves the connection is up: our SETTINGS must precede anything we send
    }
    try {
      reader.read(frame);
    } catch (ProtocolException e) {
      connectionError(e.status());
    } catch (RuntimeException e) {
      log.error("bug: frame handling failed; closing the connection", e);
      connectionError(Status.INTERNAL.withDescription("internal error: " + e).withCause(e));
    }
  }

  // ================================================================ what each end does (executor
  // only)

  /** The services this end announces in its SETTINGS. */
  abstract List<ServiceVersion> localServices();

  /** The peer's SETTINGS arrived and {@link #handshake} holds what they said. */
  abstract void onPeerSettings(List<ServiceVersion> services);

  /** A CALL_START arrived on stream {@code id}. */
  abstract void onCallStart(int id, int flags, ByteBuffer payload) throws ProtocolException;

  /** A frame of an open stream arrived, already validated as to its stream. */
  abstract void onStreamFrame(byte type, int flags, FrameStream stream, ByteBuffer payload)
      throws ProtocolException;

  /**
   * The highest stream id this connection has opened: a frame for a lower, unknown id arrived late.
   */
  abstract int highestStreamId();

  /** The peer sent GOAWAY: streams after {@code last} were not processed. */
  abstract void peerGoingAway(int last, Status status);

  /**
   * Ends {@code s} at once with {@code status}: it failed here (encoding) or broke the protocol.
   */
  abstract void failLocally(FrameStream s, Status status);

  /** Ends {@code s} because the connection ends; nothing more is written for it. */
  abstract void abort(FrameStream s, Status status);

  /** Before a frame of {@code s} is written (client: its CALL_START goes first). */
  void beforeStreamFrame(FrameStream s) {}

  /** Before the scheduled flush (client: CALL_STARTs that waited go out). */
  void beforeFlush() {}

  /** Whether a task must wait for the peer's SETTINGS (client only). */
  boolean waitsForPeer() {
    return false;
  }

  void deferUntilReady(Runnable task) {
    task.run();
  }

  boolean hasDeferred() {
    return false;
  }

  /** Runs the tasks that waited for the peer's SETTINGS. */
  void runDeferred() {}

  /** Tells the transport's owner that the connection takes no new calls (client only). */
  void notifyShutdown(Status status) {}

  /** Tells the transport's owner that the connection is gone (client only). */
  void notifyTerminated() {}

  /** Starts the server's ping enforcement and connection limits (server only). */
  void startLimits() {}

  /** Stops the server's connection limits (server only). Idempotent. */
  void stopLimits() {}

  /** The first stream opened (server: its ping policy and idle limit hear it). */
  void streamsActive() {}

  /** The last stream ended. */
  void streamsIdle() {}

  /**
   * A PING arrived; returns false if the peer pings too often and the connection was ended
   * (server).
   */
  boolean acceptPing() {
    return true;
  }

  /** Whether this end sends GOAWAY when it shuts down (the server). */
  abstract boolean sendsGoAway();

  /** The last stream id a GOAWAY from this end reports as processed. */
  abstract int lastProcessedStreamId();

  // ================================================================ lifecycle and GOAWAY (executor
  // only)

  final boolean isClosed() {
    return closed;
  }

  /**
   * Client: frames after the CALL_START of stream {@code lastSent} can no longer reach the server
   * (e.g. a transport's upward channel failed while its downward one still reads): the connection
   * takes no new calls, as after a GOAWAY, and calls above {@code lastSent} fail at once as never
   * processed, safe to retry; those up to it end as the server's answers or the close decide.
   * Executor only.
   */
  public final void sendsLost(int lastSent, Status status) {
    if (!closed) {
      peerGoingAway(lastSent, status);
    }
  }

  /**
   * The highest stream id that {@code frame}, an encoded frame this end wrote, starts: its own if
   * it is a CALL_START, the last CALL_START's among those a BATCH carries; -1 if it starts no call.
   * For a transport that must know which calls it has sent ({@link #sendsLost}). Does not move the
   * buffer's position.
   */
  public static int highestCallStart(ByteBuffer frame) {
    ByteBuffer f = frame.duplicate();
    try {
      byte type = f.get();
      f.get(); // flags
      int id = FrameReader.readVarint32(f, "stream id");
      if (type == FrameType.CALL_START) {
        return id;
      }
      int highest = -1;
      if (type == FrameType.BATCH) {
        while (f.hasRemaining()) {
          int length = FrameReader.readVarint32(f, "length of a batched frame");
          int next = f.position() + length;
          highest = Math.max(highest, highestCallStart(f.slice(f.position(), length)));
          f.position(next);
        }
      }
      return highest;
    } catch (ProtocolException | RuntimeException e) {
      return -1; // not a frame this end encodes
    }
  }

  final void onGoAway(int last, Status status) {
    goAwayStatus = status;
    peerGoingAway(last, status);
  }

  final void streamError(FrameStream stream, Status status) {
    if (stream.closed) {
      return;
    }
    failLocally(stream, status);
  }

  private void failAllStreams(Status status) {
    for (FrameStream s : streams.snapshot()) {
      abort(s, status);
    }
  }

  // ================================================================ liveness (executor only)

  private void startLiveness() {
    KeepAliveSettings ka = settings.keepAlive();
    boolean server = sendsGoAway();
    long time = ka.keepAliveTimeNanos(server);
    if (time != Long.MAX_VALUE) {
      long timeout = KeepAliveSettings.nanos(ka.keepAliveTimeout());
      keepAlive =
          new KeepAliveManager(
              timers,
              new KeepAliveManager.Pinger() {
                @Override
                public void ping() {
                  if (!closed) {
                    writer.writePing(timers.nanoTime());
                    writer.scheduleFlush();
                  }
                }

                @Override
                public void onPingTimeout() {
                  connectionError(
                      Status.UNAVAILABLE.withDescription(
                          "keep-alive ping not acknowledged within " + Duration.ofNanos(timeout)));
                }
              },
              time,
              timeout,
              server || ka.keepAliveWithoutCalls());
      keepAlive.onTransportStarted();
      if (!streams.isEmpty()) {
        keepAlive.onTransportActive();
      }
    }
    startLimits();
  }

  private void stopLiveness() {
    if (keepAlive != null) {
      keepAlive.onTransportTermination();
    }
    stopLimits();
  }

  private void onStreamsActive() {
    if (keepAlive != null) {
      keepAlive.onTransportActive();
    }
    streamsActive();
  }

  private void onStreamsIdle() {
    if (keepAlive != null) {
      keepAlive.onTransportIdle();
    }
    streamsIdle();
  }

  // ================================================================ outbound bound (executor only)

  /**
   * {@link FrameWriter} wrote a frame while the outbound buffer is full. Beyond {@code
   * maxQueuedOutboundBytes} the connection is closed at once; otherwise, on the first such write, a
   * server stops reading the peer's frames (so a peer that sends but does not read cannot make it
   * answer ever more) and the stall timer starts. Both end when the buffer drains ({@link
   * #onWritabilityChanged()}).
   */
  final void onOutboundBacklog() {
    if (closed) {
      return;
    }
    long queued = sink.queuedBytes();
    long max = settings.maxQueuedOutboundBytes();
    if (queued > max) {
      overloaded(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "peer is not reading: " + queued + " bytes queued, limit " + max));
      return;
    }
    if (backlogged) {
      return;
    }
    backlogged = true;
    if (pausesReadsOnBacklog()) {
      sink.setReading(false);
    }
    if (!watching) {
      watching = true;
      lastSent = writer.bytesWritten() - queued;
      progressAt = System.nanoTime();
      scheduleStallCheck();
    }
  }

  /**
   * Whether this end stops reading while its outbound buffer is full: the server does. The client
   * does not, so two ends can never both wait for the other to read; a server that does not read is
   * bounded by the byte limit and the stall timeout.
   */
  abstract boolean pausesReadsOnBacklog();

  /** The buffer has room again: reads resume. The stall watch goes on until nothing is queued. */
  private void endBacklog() {
    if (!backlogged) {
      return;
    }
    backlogged = false;
    if (pausesReadsOnBacklog()) {
      sink.setReading(true);
    }
  }

  /**
   * A close waits for queued frames to be sent: the stall watch makes sure a peer that reads
   * nothing ends it.
   */
  private void watchClose() {
    if (!watching && !transportClosed && sink.queuedBytes() > 0) {
      watching = true;
      lastSent = writer.bytesWritten() - sink.queuedBytes();
      progressAt = System.nanoTime();
      scheduleStallCheck();
    }
  }

  private void scheduleStallCheck() {
    long period = Math.max(1, settings.outboundStallTimeout().toNanos() / 4);
    stallTimer =
        Executors2.timers()
            .schedule(() -> executeNow(this::checkStall), period, TimeUnit.NANOSECONDS);
  }

  /**
   * Runs every quarter of the stall timeout while bytes are queued: the connection closes once
   * nothing has been sent (bytes written less bytes queued) for the whole timeout: the peer reads
   * nothing. The buffer is checked itself rather than trusted to have reported every change, so a
   * backlog whose end went unreported ends here too.
   */
  private void checkStall() {
    if (transportClosed) {
      return;
    }
    if (backlogged && !closed && sink.isWritable()) {
      endBacklog();
    }
    long queued = sink.queuedBytes();
    long now = System.nanoTime();
    if (queued == 0) {
      watching = false;
      return;
    }
    long sent = writer.bytesWritten() - queued;
    if (sent > lastSent) {
      progressAt = now;
    }
    lastSent = sent;
    long timeout = settings.outboundStallTimeout().toNanos();
    if (now - progressAt < timeout) {
      scheduleStallCheck();
      return;
    }
    if (closed) {
      // closing after a GOAWAY or an error, but the peer does not read what precedes the close
      log.info(
          "closing connection with {} at once: {} bytes queued, none sent for {} ms",
          sink.peer(),
          queued,
          TimeUnit.NANOSECONDS.toMillis(timeout));
      sink.abort();
      return;
    }
    overloaded(
        Status.RESOURCE_EXHAUSTED.withDescription(
            "peer is not reading: "
                + queued
                + " bytes queued, none sent for "
                + TimeUnit.NANOSECONDS.toMillis(timeout)
                + " ms (outboundStallTimeout)"));
  }

  /**
   * The peer does not read: the connection is closed at once, dropping what is queued (a GOAWAY
   * would wait behind it forever). Every open call fails with {@code status}, which the log records
   * too.
   */
  private void overloaded(Status status) {
    log.info("closing connection with {}: {}", sink.peer(), status);
    goAwayStatus = status;
    closed = true;
    ScheduledFuture<?> timer = stallTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    failAllStreams(status);
    notifyShutdown(status);
    sink.abort();
  }

  final void connectionError(Status status) {
    if (closed) {
      return;
    }
    stopLiveness();
    log.debug("connection error with {}: {}", sink.peer(), status);
    writer.writeGoAway(lastProcessedStreamId(), status);
    goAwayStatus = status;
    closed = true;
    failAllStreams(status);
    notifyShutdown(status);
    writer.flush();
    sink.close();
    watchClose();
  }

  private void beginShutdown(Status reason, boolean now) {
    if (closed) {
      return;
    }
    if (sendsGoAway() && !draining && open) {
      writer.writeGoAway(lastProcessedStreamId(), reason);
    }
    draining = true;
    notifyShutdown(reason);
    if (now) {
      failAllStreams(reason);
      closed = true;
      stopLiveness();
      runDeferred();
      writer.flush();
      sink.close();
      watchClose();
      return;
    }
    closeIfDrained();
  }

  /**
   * Closes a draining connection once its last stream has ended. (A close waits for queued frames
   * to be sent; the stall watch bounds that wait when the peer does not read.)
   */
  final void closeIfDrained() {
    if (draining && streams.isEmpty() && !hasDeferred() && !closed) {
      closed = true;
      stopLiveness();
      writer.flush();
      sink.close();
      watchClose();
    }
  }

  /** For tests and diagnostics: the number of open streams. Executor only. */
  final int openStreams() {
    return streams.size();
  }

  final List<Integer> openStreamIds() {
    return streams.ids();
  }
}
