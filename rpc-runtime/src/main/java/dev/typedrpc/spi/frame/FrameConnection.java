package dev.typedrpc.spi.frame;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.MessageCodec;
import dev.typedrpc.spi.ServerStreamListener;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The typedrpc frame protocol ({@code docs/PROTOCOL.md}) over one physical connection: stream multiplexing,
 * message-credit flow control, fragmentation, deadlines on the wire, cancellation, go-away, and the stream- and
 * connection-level errors the protocol defines. Transports (WebSocket, SSE, in-memory) feed it whole frames and
 * give it a {@link FrameSink}; it knows nothing of sockets.
 *
 * <p>Threading: confined to {@link FrameSink#executor()}. Every {@code on*} method must be called there; the
 * stream and shutdown methods may be called from any thread and hop onto it. Listener callbacks run there and
 * must not block.
 */
public final class FrameConnection {
  /**
   * Bytes a frame may have beyond {@code maxFrameSize}: its header (type, flags, stream id). A transport that
   * limits its own message size sets {@code maxFrameSize + MAX_FRAME_OVERHEAD}.
   */
  public static final int MAX_FRAME_OVERHEAD = FrameType.MAX_HEADER_SIZE;

  private static final Logger log = LoggerFactory.getLogger(FrameConnection.class);

  final FrameSink sink;
  final TransportSettings settings;
  private final boolean client;
  private final ClientTransport.Listener clientListener;
  private final ServerTransportListener serverListener;
  private final StreamMap streams = new StreamMap();
  /** Client: tasks that wait for the connection to open. */
  private final ArrayDeque<Runnable> untilOpen = new ArrayDeque<>();
  /** Client: streams whose CALL_START is not written yet, in id order. */
  private final ArrayDeque<ClientFrameStream> pendingCallStarts = new ArrayDeque<>();

  private boolean open;
  /** The peer's SETTINGS arrived: a client sends calls only from then on. */
  private boolean peerReady;
  private Map<String, ServiceVersion> peerServices = Map.of();
  private Map<String, ServiceVersion> localServices = Map.of();
  private boolean closed;
  private boolean shutdownNotified;
  private boolean draining;
  private Status goAwayStatus;
  /** Why the connection closed: what calls that never started are told. */
  private Status closeStatus;
  private int nextStreamId = 1;
  private int highestStreamId;
  private int peerMaxFrameSize = FrameType.MIN_MAX_FRAME_SIZE;
  private int peerMaxMessageSize = Integer.MAX_VALUE;
  /** The peer's SETTINGS said it reads BATCH frames: small frames written before a flush then go out as one. */
  private boolean peerReadsBatches;
  private boolean flushScheduled;
  /** The transport calls {@link #onReadComplete()} after each read batch. */
  private boolean readCompleteCalled;
  /** Inside a read batch that {@link #onReadComplete()} will end: a flush waits for it. */
  private boolean reading;
  private final Runnable flushTask = this::flushNow;

  private FrameConnection(
      FrameSink sink,
      TransportSettings settings,
      ClientTransport.Listener clientListener,
      ServerTransportListener serverListener) {
    this.sink = sink;
    this.settings = settings;
    this.client = clientListener != null;
    this.clientListener = clientListener;
    this.serverListener = serverListener;
  }

  /** The client end of a connection; call {@link #onOpen()} when the physical connection is up. */
  public static FrameConnection client(
      FrameSink sink, TransportSettings settings, ClientTransport.Listener listener) {
    return new FrameConnection(sink, settings, listener, null);
  }

  /** The server end of a connection; call {@link #onOpen()} when the physical connection is up. */
  public static FrameConnection server(
      FrameSink sink, TransportSettings settings, ServerTransportListener listener) {
    return new FrameConnection(sink, settings, null, listener);
  }

  // ================================================================ application side (any thread)

  /** Starts a client stream; see {@link ClientTransport#newStream}. */
  public ClientStream newStream(
      MethodDescriptor<?, ?> method, Metadata headers, Deadline deadline, ClientStreamListener listener) {
    if (!client) {
      throw new IllegalStateException("streams are started by the client");
    }
    ClientFrameStream stream = new ClientFrameStream(this, method, headers, deadline, listener);
    execute(() -> start(stream));
    return stream;
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
   * Runs {@code task} on the connection's executor. On a client that is not open yet, the task waits for the
   * connection, keeping its order.
   */
  void execute(Runnable task) {
    if (runsNow()) {
      task.run(); // the common case, without the wrapper below
      return;
    }
    executeNow(
        () -> {
          if (client && !peerReady && !closed) {
            untilOpen.add(task);
          } else {
            task.run();
          }
        });
  }

  /**
   * Whether a task given to {@link #execute} now would run at once on the calling thread: callers on the hot path
   * then run their code directly instead of allocating a task.
   */
  boolean runsNow() {
    return sink.inExecutor() && (!client || peerReady || closed);
  }

  private void executeNow(Runnable task) {
    if (sink.inExecutor()) {
      task.run();
    } else {
      sink.executor().execute(task);
    }
  }

  // ================================================================ transport side (executor only)

  /**
   * The physical connection is up: sends SETTINGS. A client's calls wait until the server's SETTINGS arrive, so
   * that it knows the server's service versions before it sends anything.
   */
  public void onOpen() {
    if (open || closed) {
      return;
    }
    open = true;
    List<ServiceVersion> mine = client ? clientListener.localServices() : serverListener.services();
    localServices = byName(mine);
    writeSettings(mine);
    scheduleFlush();
  }

  private static Map<String, ServiceVersion> byName(List<ServiceVersion> services) {
    Map<String, ServiceVersion> map = new HashMap<>();
    for (ServiceVersion v : services) {
      map.put(v.name(), v);
    }
    return Map.copyOf(map);
  }

  /** The peer's SETTINGS arrived: a client releases the calls that waited. */
  private void peerSettingsReceived(List<ServiceVersion> services) {
    peerReady = true;
    peerServices = byName(services);
    if (!client) {
      return;
    }
    clientListener.serverServices(List.copyOf(services));
    clientListener.transportReady();
    while (!untilOpen.isEmpty() && !closed) {
      untilOpen.poll().run();
    }
    // demand() was 0 while the connection was not writable: writers that looked then must hear it changed
    onWritabilityChanged();
  }

  /** The outbound buffer crossed a water mark: streams with credit hear they are ready again. */
  public void onWritabilityChanged() {
    if (!sink.isWritable() || closed) {
      return;
    }
    for (FrameStream s : streams.snapshot()) {
      if (!s.closed && s.appCredit.get() > 0) {
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
    if (closed && streams.isEmpty() && untilOpen.isEmpty()) {
      notifyTerminated();
      return;
    }
    closed = true;
    Status status =
        goAwayStatus != null && !goAwayStatus.isOk() && goAwayStatus.code() != Status.Code.UNAVAILABLE
            ? goAwayStatus
            : Status.UNAVAILABLE.withDescription(
                cause == null ? "connection closed" : "connection closed: " + cause).withCause(cause);
    closeStatus = status;
    // the channel hears first, so a call made from a failing call's callback goes to a new connection
    notifyShutdown(status);
    failAllStreams(status);
    while (!untilOpen.isEmpty()) {
      untilOpen.poll().run(); // streams that never started fail in start()
    }
    notifyShutdown(status);
    notifyTerminated();
  }

  private boolean terminatedNotified;

  private void notifyTerminated() {
    if (client && !terminatedNotified) {
      terminatedNotified = true;
      clientListener.transportTerminated();
    }
  }

  private void notifyShutdown(Status status) {
    if (client && !shutdownNotified) {
      shutdownNotified = true;
      clientListener.transportShutdown(status);
    }
  }

  /**
   * The transport finished a batch of {@link #onFrame} calls (Netty: {@code channelReadComplete}): writes made
   * while handling them are flushed now, in one go. Optional; a transport that calls it once must call it after
   * every batch. Until then each batch of writes is flushed by a task queued on the executor.
   */
  public void onReadComplete() {
    readCompleteCalled = true;
    reading = false;
    if (flushScheduled) {
      flushNow();
    }
  }

  /** One whole frame arrived. The buffer is read during this call only. */
  public void onFrame(ByteBuffer frame) {
    if (closed) {
      return;
    }
    reading = readCompleteCalled; // flushes wait for onReadComplete()
    if (!open) {
      onOpen(); // a frame proves the connection is up: our SETTINGS must precede anything we send
    }
    try {
      readFrame(frame);
    } catch (ProtocolException e) {
      connectionError(e.status());
    } catch (RuntimeException e) {
      log.error("bug: frame handling failed; closing the connection", e);
      connectionError(Status.INTERNAL.withDescription("internal error: " + e).withCause(e));
    }
  }

  // ================================================================ reading

  private void readFrame(ByteBuffer frame) throws ProtocolException {
    if (frame.remaining() > settings.maxFrameSize() + FrameType.MAX_HEADER_SIZE) {
      throw ProtocolException.connection(
          "frame of " + frame.remaining() + " bytes exceeds max_frame_size " + settings.maxFrameSize());
    }
    if (frame.remaining() < 3) {
      throw ProtocolException.connection("frame of " + frame.remaining() + " bytes is shorter than its header");
    }
    byte type = frame.get();
    int flags = frame.get() & 0xff;
    int id = readVarint32(frame, "stream id");
    if ((flags & ~FrameType.FLAG_END_STREAM) != 0) {
      throw ProtocolException.connection("unknown flags 0x" + Integer.toHexString(flags));
    }
    if (!peerReady && type != FrameType.SETTINGS) {
      throw ProtocolException.connection(FrameType.name(type) + " before SETTINGS; SETTINGS must come first");
    }
    switch (type) {
      case FrameType.SETTINGS, FrameType.PING, FrameType.PONG, FrameType.GOAWAY -> {
        if (id != 0) {
          throw ProtocolException.connection(FrameType.name(type) + " on stream " + id + "; it belongs on 0");
        }
        readConnectionFrame(type, frame);
      }
      case FrameType.CALL_START -> readCallStart(id, flags, frame);
      case FrameType.HEADERS,
          FrameType.MESSAGE,
          FrameType.MESSAGE_START,
          FrameType.MESSAGE_PART,
          FrameType.CREDIT,
          FrameType.HALF_CLOSE,
          FrameType.CANCEL,
          FrameType.STATUS -> readStreamFrame(type, flags, id, frame);
      case FrameType.BATCH -> readBatch(flags, id, frame);
      default -> throw ProtocolException.connection("unknown frame type " + FrameType.name(type));
    }
  }

  /**
   * The frames a BATCH carries, one after another, each as {@code [varint length][frame]}, each read as if it had
   * arrived alone. Its payload is bounded by max_frame_size like any frame's, so no inner frame can be larger.
   */
  private void readBatch(int flags, int id, ByteBuffer frame) throws ProtocolException {
    if (flags != 0 || id != 0) {
      throw ProtocolException.connection("BATCH with flags 0x" + Integer.toHexString(flags) + " on stream " + id
          + "; it has no flags and belongs on stream 0");
    }
    if (!frame.hasRemaining()) {
      throw ProtocolException.connection("BATCH carries no frames");
    }
    int end = frame.limit();
    while (frame.position() < end && !closed) {
      int length = readVarint32(frame, "length of a batched frame");
      int next = frame.position() + length;
      if (length < 0 || length > end - frame.position()) { // a varint of 2^31 or more reads as negative
        long unsigned = length & 0xffffffffL;
        throw ProtocolException.connection("batched frame of " + unsigned + " bytes overruns its BATCH by "
            + (unsigned - (end - frame.position())) + " bytes");
      }
      if (length > 0 && frame.get(frame.position()) == FrameType.BATCH) {
        throw ProtocolException.connection("BATCH inside a BATCH");
      }
      frame.limit(next);
      readFrame(frame);
      frame.limit(end).position(next); // whatever the frame's reader left unread
    }
  }

  private void readConnectionFrame(byte type, ByteBuffer payload) throws ProtocolException {
    switch (type) {
      case FrameType.SETTINGS -> readSettings(payload);
      case FrameType.PING -> {
        if (payload.remaining() != 8) {
          throw ProtocolException.connection("PING payload must be 8 bytes, was " + payload.remaining());
        }
        writePong(payload.getLong());
      }
      case FrameType.PONG -> {
        // keep-alive answers need no action yet
      }
      default -> readGoAway(payload);
    }
  }

  private void readSettings(ByteBuffer payload) throws ProtocolException {
    if (peerReady) {
      throw ProtocolException.connection("SETTINGS sent twice");
    }
    List<ServiceVersion> services = new ArrayList<>();
    try {
      CodedInputStream in = CodedInputStream.newInstance(payload);
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> {
            int version = in.readUInt32();
            if (version != FrameType.PROTOCOL_VERSION) {
              throw ProtocolException.connection("unsupported protocol version " + version);
            }
          }
          case 2 -> peerMaxFrameSize = Math.max(FrameType.MIN_MAX_FRAME_SIZE, in.readUInt32());
          case 3 -> peerMaxMessageSize = positive(in.readUInt32());
          case 6 -> {
            if (services.size() >= MAX_ANNOUNCED_SERVICES) {
              throw ProtocolException.connection("SETTINGS announce more than " + MAX_ANNOUNCED_SERVICES + " services");
            }
            services.add(readService(in));
          }
          case 7 -> peerReadsBatches = in.readUInt32() == 1;
          default -> in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw ProtocolException.connection("malformed SETTINGS: " + e.getMessage());
    }
    peerSettingsReceived(services);
  }

  private static final int MAX_ANNOUNCED_SERVICES = 1000;

  private static ServiceVersion readService(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    String name = "";
    int version = 0;
    String fingerprint = "";
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> name = in.readStringRequireUtf8();
        case 2 -> version = in.readUInt32();
        case 3 -> fingerprint = in.readStringRequireUtf8();
        default -> in.skipField(tag);
      }
    }
    in.popLimit(limit);
    return new ServiceVersion(name, version, fingerprint);
  }

  /** The version of {@code service} the peer announced, or null. Executor only. */
  ServiceVersion peerService(String service) {
    return peerServices.get(service);
  }

  private static int positive(int v) {
    return v <= 0 ? Integer.MAX_VALUE : v;
  }

  private void readGoAway(ByteBuffer payload) throws ProtocolException {
    int last = 0;
    int code = 0;
    String message = null;
    try {
      CodedInputStream in = CodedInputStream.newInstance(payload);
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> last = in.readUInt32();
          case 2 -> code = in.readUInt32();
          case 3 -> message = in.readStringRequireUtf8();
          default -> in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw ProtocolException.connection("malformed GOAWAY: " + e.getMessage());
    }
    Status status = Status.fromCode(code, message == null ? "peer went away" : message);
    goAwayStatus = status;
    if (!client) {
      return; // a client going away simply closes when done
    }
    draining = true;
    notifyShutdown(status.isOk() ? Status.UNAVAILABLE.withDescription("server went away") : status);
    for (FrameStream s : streams.snapshot()) {
      if (s.id > last) {
        finishClientStream(
            (ClientFrameStream) s,
            Status.UNAVAILABLE.withDescription(
                "server went away before processing the call (" + status + "); it is safe to retry"),
            Metadata.EMPTY,
            false);
      }
    }
    closeIfDrained();
  }

  private void readCallStart(int id, int flags, ByteBuffer payload) throws ProtocolException {
    if (client) {
      throw ProtocolException.connection("CALL_START sent by the server");
    }
    if (id <= highestStreamId) {
      throw ProtocolException.connection(
          "CALL_START for stream " + id + " after stream " + highestStreamId + "; ids must increase");
    }
    highestStreamId = id;
    CallStart start = CallStart.read(payload, settings.maxMetadataSize(), methodNames);
    Status refusal = refusal(start);
    if (refusal != null) {
      writeStatus(id, refusal, Metadata.EMPTY);
      return;
    }
    MethodDescriptor<?, ?> method = serverListener.lookupMethod(start.method());
    if (method == null) {
      writeStatus(
          id,
          Status.UNIMPLEMENTED.withDescription("Method not found: " + start.method()),
          Metadata.EMPTY);
      return;
    }
    ServerFrameStream stream = new ServerFrameStream(this, id, method, start.initialCredit());
    stream.clientService(peerServices.get(method.serviceName()));
    streams.put(id, stream);
    Deadline deadline = start.timeoutMicros() < 0 ? null : Deadline.afterNanos(start.timeoutMicros() * 1000);
    ServerStreamListener listener;
    try {
      listener = serverListener.streamCreated(stream, method, start.metadata(), deadline);
    } catch (RuntimeException e) {
      log.error("bug: streamCreated failed for {}", method.fullName(), e);
      finishServerStream(stream, Status.INTERNAL.withDescription("server failed to start the call"), Metadata.EMPTY);
      return;
    }
    stream.listener = listener;
    if ((flags & FrameType.FLAG_END_STREAM) != 0) {
      try {
        stream.onInboundEnd();
      } catch (ProtocolException e) {
        streamError(stream, e.status());
      }
    }
  }

  private Status refusal(CallStart start) {
    if (start.metadataTooLarge()) {
      return Status.RESOURCE_EXHAUSTED.withDescription(
          "request metadata exceeds the limit of " + settings.maxMetadataSize() + " bytes");
    }
    if (draining) {
      return Status.UNAVAILABLE.withDescription("server is shutting down");
    }
    if (streams.size() >= settings.maxConcurrentStreams()) {
      return Status.RESOURCE_EXHAUSTED.withDescription(
          "too many concurrent calls on this connection (limit " + settings.maxConcurrentStreams() + ")");
    }
    return null;
  }

  private void readStreamFrame(byte type, int flags, int id, ByteBuffer payload) throws ProtocolException {
    if (id == 0) {
      throw ProtocolException.connection(FrameType.name(type) + " on stream 0");
    }
    FrameStream stream = streams.get(id);
    if (stream == null) {
      int highest = client ? nextStreamId - 1 : highestStreamId;
      if (id <= highest) {
        return; // the stream ended; frames already in flight are ignored
      }
      throw ProtocolException.connection(FrameType.name(type) + " for stream " + id + ", which was never opened");
    }
    boolean end = (flags & FrameType.FLAG_END_STREAM) != 0;
    try {
      if (client) {
        readClientStreamFrame(type, (ClientFrameStream) stream, payload);
      } else {
        readServerStreamFrame(type, end, (ServerFrameStream) stream, payload);
      }
    } catch (ProtocolException e) {
      if (e.connectionLevel()) {
        throw e;
      }
      streamError(stream, e.status());
    }
  }

  private void readClientStreamFrame(byte type, ClientFrameStream s, ByteBuffer payload)
      throws ProtocolException {
    switch (type) {
      case FrameType.HEADERS -> s.onHeaders(readMetadataBlock(payload, Frames.METADATA_FIELD));
      case FrameType.MESSAGE -> s.onMessage(payload, false);
      case FrameType.MESSAGE_START -> s.onMessageStart(readVarint32(payload, "total_length"), payload, false);
      case FrameType.MESSAGE_PART -> s.onMessagePart(payload, false);
      case FrameType.CREDIT -> s.onCredit(readCredit(payload));
      case FrameType.STATUS -> {
        StatusFrame st = StatusFrame.read(payload, settings.maxMetadataSize());
        s.onStatus(st.status(), st.trailers());
      }
      default -> throw ProtocolException.connection(FrameType.name(type) + " sent by the server");
    }
  }

  private void readServerStreamFrame(byte type, boolean end, ServerFrameStream s, ByteBuffer payload)
      throws ProtocolException {
    switch (type) {
      case FrameType.MESSAGE -> s.onMessage(payload, end);
      case FrameType.MESSAGE_START -> s.onMessageStart(readVarint32(payload, "total_length"), payload, end);
      case FrameType.MESSAGE_PART -> s.onMessagePart(payload, end);
      case FrameType.CREDIT -> s.onCredit(readCredit(payload));
      case FrameType.HALF_CLOSE -> s.onInboundEnd();
      case FrameType.CANCEL -> {
        StatusFrame st = StatusFrame.read(payload, settings.maxMetadataSize());
        streams.remove(s.id);
        s.cancelled(st.status().isOk() ? Status.CANCELLED : st.status());
        closeIfDrained();
      }
      default -> throw ProtocolException.connection(FrameType.name(type) + " sent by the client");
    }
  }

  private static int readCredit(ByteBuffer payload) throws ProtocolException {
    int n = readVarint32(payload, "credit");
    if (n <= 0) {
      throw ProtocolException.connection("CREDIT of " + (n & 0xffffffffL) + "; it must be 1 to 2^31-1");
    }
    return n;
  }

  private Metadata readMetadataBlock(ByteBuffer payload, int field) throws ProtocolException {
    try {
      CodedInputStream in = CodedInputStream.newInstance(payload);
      Metadata.Builder md = Metadata.builder();
      int total = 0;
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        if (WireFormat.getTagFieldNumber(tag) == field) {
          total += Frames.readEntry(in, md);
          if (total > settings.maxMetadataSize()) {
            throw ProtocolException.stream(
                Status.RESOURCE_EXHAUSTED.withDescription(
                    "response metadata exceeds the limit of " + settings.maxMetadataSize() + " bytes"));
          }
        } else {
          in.skipField(tag);
        }
      }
      return md.build();
    } catch (IOException e) {
      throw ProtocolException.connection("malformed metadata: " + e.getMessage());
    }
  }

  /** Reads an unsigned varint32 and advances the buffer. */
  static int readVarint32(ByteBuffer buf, String what) throws ProtocolException {
    int result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (!buf.hasRemaining()) {
        throw ProtocolException.connection("truncated varint (" + what + ")");
      }
      byte b = buf.get();
      result |= (b & 0x7f) << shift;
      if (b >= 0) {
        if (shift == 28 && (b & 0xf0) != 0) {
          throw ProtocolException.connection("varint too large (" + what + ")");
        }
        return result;
      }
    }
    throw ProtocolException.connection("malformed varint (" + what + ")");
  }

  // ================================================================ stream lifecycle (executor only)

  private void start(ClientFrameStream s) {
    if (s.closed) {
      return;
    }
    if (closed || draining) {
      Status why =
          closed && closeStatus != null
              ? closeStatus
              : Status.UNAVAILABLE.withDescription(
                  closed ? "connection is closed" : "connection is shutting down; the call was not sent");
      s.close(why, Metadata.EMPTY);
      return;
    }
    if (s.deadline != null && s.deadline.isExpired()) {
      s.close(Status.DEADLINE_EXCEEDED.withDescription("deadline passed before the call started"), Metadata.EMPTY);
      return;
    }
    Status unsupported = unsupportedByServer(s.method);
    if (unsupported != null) {
      s.close(unsupported, Metadata.EMPTY);
      return;
    }
    if (nextStreamId <= 0) {
      draining = true;
      notifyShutdown(Status.UNAVAILABLE.withDescription("stream ids exhausted"));
      s.close(Status.UNAVAILABLE.withDescription("stream ids exhausted on this connection"), Metadata.EMPTY);
      return;
    }
    s.id = nextStreamId++;
    s.registered = true;
    streams.put(s.id, s);
    // CALL_START waits for the stream's first frame or the end of this batch, so that credit the caller grants
    // right after starting travels in it, and a unary request goes out as CALL_START + MESSAGE(END_STREAM)
    pendingCallStarts.add(s);
    scheduleFlush();
  }

  /** Writes CALL_START of {@code s} (and of every stream started before it) if not written yet. */
  private void ensureCallStart(FrameStream stream) {
    if (!(stream instanceof ClientFrameStream s) || s.callStartWritten) {
      return;
    }
    while (!pendingCallStarts.isEmpty() && pendingCallStarts.peek().id <= s.id) {
      writeCallStart(pendingCallStarts.poll());
    }
  }

  private void writePendingCallStarts() {
    while (!pendingCallStarts.isEmpty()) {
      writeCallStart(pendingCallStarts.poll());
    }
  }

  /**
   * Why the server cannot serve {@code method}, judged from the versions it announced; null if it can, or if it
   * announced nothing. Such a call fails at once and is never sent.
   */
  private Status unsupportedByServer(MethodDescriptor<?, ?> method) {
    if (peerServices.isEmpty()) {
      return null;
    }
    ServiceVersion server = peerServices.get(method.serviceName());
    if (server == null) {
      return Status.UNIMPLEMENTED.withDescription(
          "the server does not serve " + method.serviceName() + " (it serves " + peerServices.keySet() + ")");
    }
    if (method.since() > server.version()) {
      ServiceVersion mine = localServices.get(method.serviceName());
      return Status.UNIMPLEMENTED.withDescription(
          method.fullName()
              + " was added in version "
              + method.since()
              + " of "
              + method.serviceName()
              + ", but the server runs version "
              + server.version()
              + (mine == null ? "" : " (this client has version " + mine.version() + ")"));
    }
    return null;
  }

  /** The client application cancelled. */
  void cancelStream(ClientFrameStream s, Status status) {
    finishClientStream(s, status, Metadata.EMPTY, true);
  }

  void finishClientStream(ClientFrameStream s, Status status, Metadata trailers, boolean sendCancel) {
    if (s.closed) {
      return;
    }
    if (s.registered) {
      streams.remove(s.id);
      if (!s.callStartWritten) {
        pendingCallStarts.remove(s); // never sent: nothing to cancel on the wire
      } else if (sendCancel && !closed) {
        writeCancel(s.id, status);
      }
    }
    s.close(status, trailers);
    closeIfDrained();
  }

  void finishServerStream(ServerFrameStream s, Status status, Metadata trailers) {
    if (s.closed) {
      return;
    }
    s.closed = true;
    streams.remove(s.id);
    if (!closed) {
      writeStatus(s.id, status, trailers);
    }
    closeIfDrained();
  }

  private void streamError(FrameStream stream, Status status) {
    if (stream.closed) {
      return;
    }
    if (stream instanceof ClientFrameStream c) {
      finishClientStream(c, status, Metadata.EMPTY, true);
    } else {
      ServerFrameStream s = (ServerFrameStream) stream;
      finishServerStream(s, status, Metadata.EMPTY);
      if (s.listener != null) {
        s.listener.onCancel(status);
      }
    }
  }

  private void failAllStreams(Status status) {
    for (FrameStream s : streams.snapshot()) {
      if (s instanceof ClientFrameStream c) {
        finishClientStream(c, status, Metadata.EMPTY, false);
      } else {
        streams.remove(s.id);
        ((ServerFrameStream) s).cancelled(status);
      }
    }
  }

  private void connectionError(Status status) {
    if (closed) {
      return;
    }
    log.debug("connection error with {}: {}", sink.peer(), status);
    writeGoAway(status);
    goAwayStatus = status;
    closed = true;
    failAllStreams(status);
    notifyShutdown(status);
    flushSink();
    sink.close();
  }

  private void beginShutdown(Status reason, boolean now) {
    if (closed) {
      return;
    }
    if (!client && !draining && open) {
      writeGoAway(reason);
    }
    draining = true;
    notifyShutdown(reason);
    if (now) {
      failAllStreams(reason);
      closed = true;
      while (!untilOpen.isEmpty()) {
        untilOpen.poll().run();
      }
      flushSink();
      sink.close();
      return;
    }
    closeIfDrained();
  }

  private void closeIfDrained() {
    if (draining && streams.isEmpty() && untilOpen.isEmpty() && !closed) {
      closed = true;
      flushSink();
      sink.close();
    }
  }

  // ================================================================ writing (executor only)

  private void flushNow() {
    flushScheduled = false;
    if (!closed) {
      writePendingCallStarts();
    }
    flushSink();
  }

  private void flushSink() {
    sendBatch();
    sink.flush();
  }

  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      if (!reading) {
        sink.executor().execute(flushTask);
      } // else onReadComplete() flushes at the end of the batch
    }
  }

  /**
   * Allocates, fills and queues one frame. A frame of up to {@link #SCRATCH_SIZE} bytes is encoded into the
   * connection's scratch array with a reused encoder and copied to the transport ({@link FrameSink#write(byte[],
   * int, int)}): no buffer view or encoder per frame. Larger ones are encoded straight into the transport's buffer.
   */
  private void writeFrame(byte type, int flags, int id, int payloadSize, PayloadWriter payload) {
    int size = Frames.headerSize(id) + payloadSize;
    if (size <= SCRATCH_SIZE) {
      writeSmallFrame(type, flags, id, size, payload);
      return;
    }
    sendBatch(); // it precedes this frame
    ByteBuffer buf = sink.allocate(size);
    try {
      CodedOutputStream out = Frames.begin(buf, type, flags, id);
      payload.write(out);
      out.flush();
    } catch (IOException | RuntimeException e) {
      sink.discard(buf);
      throw new IllegalStateException("could not encode " + FrameType.name(type), e);
    }
    sink.write(buf);
    scheduleFlush();
  }

  @FunctionalInterface
  private interface PayloadWriter {
    void write(CodedOutputStream out) throws IOException;
  }

  /** Frames up to this size go through {@link #scratch}; a 1 KiB message with its header fits. */
  static final int SCRATCH_SIZE = 8 * 1024;
  /** Small outbound frames are encoded here, one after another, and copied out; created on first need. */
  private byte[] scratch;
  /** Encodes into {@link #scratch} from where the last frame ended; replaced when the array is used up. */
  private CodedOutputStream scratchOut;
  /** The message {@link #writeMessage} encodes, as a reused writer rather than a lambda per message. */
  private final MessageWriter messageWriter = new MessageWriter();
  /** The method name of the last CALL_START, in UTF-8. */
  private final CallStart.MethodNames methodNames = new CallStart.MethodNames();

  // The open batch: frames in {@link #scratch} not yet handed to the sink, as a BATCH frame whose header starts
  // at batchStart, each frame after its length; they go out at the flush (or when the next does not fit).
  private int batchFrames;
  private int batchStart;
  /** Where the batch's first frame (without its length) starts: a batch of one goes out as that frame alone. */
  private int batchFirstFrame;
  /** Where the batch's last whole frame ends. */
  private int batchEnd;

  /**
   * Encodes a frame into {@link #scratch}. If the peer reads BATCH frames it joins the open batch, so a flush
   * sends one transport message (one WebSocket message, one SSE event) for all the frames written before it,
   * instead of one per frame; otherwise it is copied to the sink at once.
   */
  private void writeSmallFrame(byte type, int flags, int id, int size, PayloadWriter payload) {
    boolean batched = peerReadsBatches;
    int entry = batched ? CodedOutputStream.computeUInt32SizeNoTag(size) + size : size;
    CodedOutputStream out = scratchOut;
    if (batchFrames > 0
        && (batchEnd - batchStart - FrameType.BATCH_HEADER_SIZE + entry > peerMaxFrameSize
            || out.spaceLeft() < entry)) {
      sendBatch(); // a BATCH is a frame: the peer's max_frame_size bounds its payload
    }
    int needed = batched && batchFrames == 0 ? FrameType.BATCH_HEADER_SIZE + entry : entry;
    if (out == null || out.spaceLeft() < needed) {
      if (scratch == null) {
        scratch = new byte[SCRATCH_SIZE];
      }
      out = CodedOutputStream.newInstance(scratch);
      scratchOut = out;
    }
    int start;
    try {
      if (batched) {
        if (batchFrames == 0) {
          batchStart = out.getTotalBytesWritten();
          out.writeRawByte(FrameType.BATCH);
          out.writeRawByte(0); // flags
          out.writeRawByte(0); // stream 0
        }
        out.writeUInt32NoTag(size);
      }
      start = out.getTotalBytesWritten();
      Frames.writeHeader(out, type, flags, id);
      payload.write(out);
    } catch (IOException | RuntimeException e) {
      abandonScratch();
      throw new IllegalStateException("could not encode " + FrameType.name(type), e);
    }
    int length = out.getTotalBytesWritten() - start;
    if (length != size) {
      abandonScratch();
      throw new IllegalStateException(
          "could not encode " + FrameType.name(type),
          new IOException("encoded " + length + " bytes where the size was computed as " + size));
    }
    if (batched) {
      if (batchFrames == 0) {
        batchFirstFrame = start;
      }
      batchFrames++;
      batchEnd = start + length;
    } else {
      sink.write(scratch, start, length);
    }
    scheduleFlush();
  }

  /** A frame failed to encode: the batch's whole frames still go out, and the array starts afresh. */
  private void abandonScratch() {
    sendBatch();
    scratchOut = null; // its position is unknown now
  }

  /** Hands the open batch to the sink: one frame as itself, several as one BATCH frame. */
  private void sendBatch() {
    int frames = batchFrames;
    if (frames == 0) {
      return;
    }
    batchFrames = 0;
    if (frames == 1) {
      sink.write(scratch, batchFirstFrame, batchEnd - batchFirstFrame);
    } else {
      sink.write(scratch, batchStart, batchEnd - batchStart);
    }
  }

  /** Writes one message with its codec (executor only; set, used and cleared within one frame). */
  private static final class MessageWriter implements PayloadWriter {
    MessageCodec<Object> codec;
    Object message;

    @Override
    public void write(CodedOutputStream out) throws IOException {
      codec.encode(message, out);
    }
  }

  private static int serviceSize(ServiceVersion v) {
    return CodedOutputStream.computeStringSize(1, v.name())
        + CodedOutputStream.computeUInt32Size(2, v.version())
        + CodedOutputStream.computeStringSize(3, v.fingerprint());
  }

  private void writeSettings(List<ServiceVersion> services) {
    int servicesSize = 0;
    for (ServiceVersion v : services) {
      int n = serviceSize(v);
      servicesSize += CodedOutputStream.computeTagSize(6) + CodedOutputStream.computeUInt32SizeNoTag(n) + n;
    }
    int size =
        CodedOutputStream.computeUInt32Size(1, FrameType.PROTOCOL_VERSION)
            + CodedOutputStream.computeUInt32Size(2, settings.maxFrameSize())
            + CodedOutputStream.computeUInt32Size(3, settings.maxMessageSize())
            + CodedOutputStream.computeUInt32Size(4, settings.maxMetadataSize())
            + CodedOutputStream.computeUInt32Size(5, settings.maxConcurrentStreams())
            + servicesSize
            + CodedOutputStream.computeUInt32Size(7, 1);
    writeFrame(
        FrameType.SETTINGS,
        0,
        0,
        size,
        out -> {
          out.writeUInt32(1, FrameType.PROTOCOL_VERSION);
          out.writeUInt32(2, settings.maxFrameSize());
          out.writeUInt32(3, settings.maxMessageSize());
          out.writeUInt32(4, settings.maxMetadataSize());
          out.writeUInt32(5, settings.maxConcurrentStreams());
          for (ServiceVersion v : services) {
            out.writeTag(6, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(serviceSize(v));
            out.writeString(1, v.name());
            out.writeUInt32(2, v.version());
            out.writeString(3, v.fingerprint());
          }
          out.writeUInt32(7, 1); // this side reads BATCH frames
        });
  }

  private void writeCallStart(ClientFrameStream s) {
    s.callStartWritten = true;
    int initialCredit = s.takeInitialCredit();
    s.announcedInitialCredit(initialCredit);
    CallStart start =
        new CallStart(
            s.method.fullName(),
            s.deadline == null ? -1 : Math.max(0, s.deadline.remainingNanos() / 1000),
            s.headers,
            initialCredit,
            false);
    byte[] method = methodNames.encode(start.method());
    writeFrame(FrameType.CALL_START, 0, s.id, start.size(method), out -> start.write(out, method));
  }

  void writeHeaders(ServerFrameStream s, Metadata headers) {
    writeFrame(
        FrameType.HEADERS,
        0,
        s.id,
        Frames.metadataSize(Frames.METADATA_FIELD, headers),
        out -> Frames.writeMetadata(out, Frames.METADATA_FIELD, headers));
  }

  void writeControl(FrameStream s, byte type, int flags) {
    ensureCallStart(s);
    writeFrame(type, flags, s.id, 0, out -> {});
  }

  void writeCredit(FrameStream s, int n) {
    if (closed || (client && !((ClientFrameStream) s).callStartWritten)) {
      return; // before CALL_START, credit is folded into it
    }
    writeFrame(FrameType.CREDIT, 0, s.id, CodedOutputStream.computeUInt32SizeNoTag(n), out -> out.writeUInt32NoTag(n));
  }

  private void writeStatus(int id, Status status, Metadata trailers) {
    StatusFrame st = new StatusFrame(status, trailers);
    writeFrame(FrameType.STATUS, 0, id, st.size(), st::write);
  }

  private void writeCancel(int id, Status status) {
    StatusFrame st = new StatusFrame(status, Metadata.EMPTY);
    writeFrame(FrameType.CANCEL, 0, id, st.size(), st::write);
  }

  private void writePong(long payload) {
    writeFrame(FrameType.PONG, 0, 0, 8, out -> out.writeFixed64NoTag(Long.reverseBytes(payload)));
  }

  private void writeGoAway(Status status) {
    int last = client ? 0 : highestStreamId;
    String message = status.description() == null ? "" : status.description();
    int size =
        CodedOutputStream.computeUInt32Size(1, last)
            + CodedOutputStream.computeUInt32Size(2, status.code().value())
            + CodedOutputStream.computeStringSize(3, message);
    writeFrame(
        FrameType.GOAWAY,
        0,
        0,
        size,
        out -> {
          out.writeUInt32(1, last);
          out.writeUInt32(2, status.code().value());
          out.writeString(3, message);
        });
  }

  /**
   * Encodes one message of stream {@code s} straight into the transport's buffer, in one frame or, if larger
   * than the peer's frame limit, in a MESSAGE_START and MESSAGE_PARTs. A message the peer would refuse as too
   * large, or one that fails to encode, fails its call here and is never sent.
   */
  boolean writeMessage(FrameStream s, Object message) {
    return writeMessage(s, message, false);
  }

  /**
   * As above; with {@code endStream}, the message carries END_STREAM when it fits in one frame. Returns whether
   * END_STREAM was sent (false: the caller sends HALF_CLOSE itself).
   */
  @SuppressWarnings("unchecked")
  boolean writeMessage(FrameStream s, Object message, boolean endStream) {
    MessageCodec<Object> codec =
        (MessageCodec<Object>) (client ? s.method.requestCodec() : s.method.responseCodec());
    int size;
    try {
      size = codec.encodedSize(message);
    } catch (RuntimeException e) {
      failLocally(s, Status.INTERNAL.withDescription("could not encode a message of " + s.method.fullName() + ": " + e).withCause(e));
      return false;
    }
    if (size > peerMaxMessageSize) {
      failLocally(
          s,
          Status.RESOURCE_EXHAUSTED.withDescription(
              "message of " + size + " bytes for " + s.method.fullName() + " exceeds the peer's limit of "
                  + peerMaxMessageSize + " bytes"));
      return false;
    }
    ensureCallStart(s);
    try {
      if (Frames.headerSize(s.id) + size <= peerMaxFrameSize) {
        int flags = endStream ? FrameType.FLAG_END_STREAM : 0;
        messageWriter.codec = codec;
        messageWriter.message = message;
        try {
          writeFrame(FrameType.MESSAGE, flags, s.id, size, messageWriter);
        } finally {
          messageWriter.codec = null;
          messageWriter.message = null;
        }
        return endStream;
      }
      writeFragmented(s, codec, message, size);
    } catch (IllegalStateException | IOException e) {
      failLocally(s, Status.INTERNAL.withDescription("could not encode a message of " + s.method.fullName() + ": " + e.getCause()).withCause(e));
    }
    return false;
  }

  private void writeFragmented(FrameStream s, MessageCodec<Object> codec, Object message, int size)
      throws IOException {
    FragmentingOutput fragments = new FragmentingOutput(this, s.id, size, peerMaxFrameSize);
    CodedOutputStream out = CodedOutputStream.newInstance(fragments, 8192);
    codec.encode(message, out);
    out.flush();
    fragments.finish();
  }

  ByteBuffer allocateFrame(int size) {
    sendBatch(); // it precedes the fragment, and the sink may lend one buffer at a time
    return sink.allocate(size);
  }

  void queueFrame(ByteBuffer frame) {
    sink.write(frame);
    scheduleFlush();
  }

  private void failLocally(FrameStream s, Status status) {
    if (s instanceof ClientFrameStream c) {
      finishClientStream(c, status, Metadata.EMPTY, true);
    } else {
      ServerFrameStream ss = (ServerFrameStream) s;
      finishServerStream(ss, status, Metadata.EMPTY);
      if (ss.listener != null) {
        ss.listener.onCancel(status);
      }
    }
  }

  /** For tests and diagnostics: the number of open streams. Executor only. */
  int openStreams() {
    return streams.size();
  }

  List<Integer> openStreamIds() {
    return streams.ids();
  }
}
