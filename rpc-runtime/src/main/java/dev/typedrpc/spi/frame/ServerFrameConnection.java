package dev.typedrpc.spi.frame;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.spi.KeepAliveSettings;
import dev.typedrpc.spi.ServerStreamListener;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportEvents;
import dev.typedrpc.spi.TransportSettings;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server end of a frame connection: accepts or refuses CALL_STARTs (ids, limits, draining,
 * unknown methods), reads the client's stream frames, ends streams with STATUS, and announces its
 * shutdown with GOAWAY. Executor only.
 */
final class ServerFrameConnection extends FrameConnection {
  private static final Logger log = LoggerFactory.getLogger(ServerFrameConnection.class);
  private static final long WINDOW_NANOS =
      TimeUnit.SECONDS.toNanos(TransportSettings.CANCEL_WINDOW_SECONDS);

  private final ServerTransportListener listener;

  /** The transport named when the connection opened, until it is reported closed; else null. */
  private String reportedOpen;

  /** The method name of the last CALL_START, in UTF-8. */
  private final CallStart.MethodNames methodNames = new CallStart.MethodNames();

  private int highestStreamId;
  private long cancelWindowStartNanos;
  private int cancelsInWindow;
  private final KeepAliveEnforcer pingPolicy;
  private final ConnectionLimits limits;

  /** Responses are gzipped by default, for clients that accept it. */
  final boolean gzipResponses;

  ServerFrameConnection(
      FrameSink sink,
      TransportSettings settings,
      ServerTransportListener listener,
      boolean gzipResponses) {
    super(sink, settings, true); // a server speaks JSON messages to a client that asks
    this.listener = listener;
    this.gzipResponses = gzipResponses;
    KeepAliveSettings ka = settings.keepAlive();
    this.pingPolicy =
        new KeepAliveEnforcer(
            timers,
            KeepAliveSettings.nanos(ka.permitKeepAliveTime()),
            ka.permitKeepAliveWithoutCalls());
    this.limits =
        new ConnectionLimits(
            timers,
            ka,
            new ConnectionLimits.Actions() {
              @Override
              public void goAway(String reason) {
                log.debug("{} with {}: GOAWAY", reason, sink.peer());
                shutdown(Status.UNAVAILABLE.withDescription(reason));
              }

              @Override
              public void forceClose(String reason) {
                log.debug("{} with {}: closing", reason, sink.peer());
                shutdownNow(Status.UNAVAILABLE.withDescription(reason));
              }
            });
  }

  // ------------------------------------------------------------ liveness

  @Override
  void startLimits() {
    limits.start();
  }

  @Override
  void stopLimits() {
    limits.stop();
  }

  @Override
  void streamsActive() {
    pingPolicy.onTransportActive();
    limits.onTransportActive();
  }

  @Override
  void streamsIdle() {
    pingPolicy.onTransportIdle();
    limits.onTransportIdle();
  }

  @Override
  boolean acceptPing() {
    if (pingPolicy.pingAcceptable()) {
      return true;
    }
    log.debug("{} pings too often: GOAWAY too_many_pings", sink.peer());
    connectionError(
        Status.RESOURCE_EXHAUSTED.withDescription(
            "too_many_pings: the client pinged more often than every "
                + settings.keepAlive().permitKeepAliveTime()
                + (settings.keepAlive().permitKeepAliveWithoutCalls() ? "" : " or without calls")));
    return false;
  }

  @Override
  void beforeStreamFrame(FrameStream s) {
    pingPolicy.resetCounters(); // the client may ping after each response message
  }

  @Override
  List<ServiceVersion> localServices() {
    return listener.services();
  }

  @Override
  void onPeerSettings(List<ServiceVersion> services) {
    // the client's versions travel to each call as ServerStream.clientService()
  }

  @Override
  int highestStreamId() {
    return highestStreamId;
  }

  // ------------------------------------------------------------ starting streams

  @Override
  void onCallStart(int id, int flags, ByteBuffer payload) throws ProtocolException {
    if (id <= highestStreamId) {
      throw ProtocolException.connection(
          "CALL_START for stream "
              + id
              + " after stream "
              + highestStreamId
              + "; ids must increase");
    }
    highestStreamId = id;
    CallStart start = CallStart.read(payload, settings.maxMetadataSize(), methodNames);
    Status refusal = refusal(start);
    if (refusal != null) {
      writer.writeStatus(id, refusal, Metadata.EMPTY);
      return;
    }
    MethodDescriptor<?, ?> method = listener.lookupMethod(start.method());
    if (method == null) {
      writer.writeStatus(
          id,
          Status.UNIMPLEMENTED.withDescription("Method not found: " + start.method()),
          Metadata.EMPTY);
      return;
    }
    String requestEncoding;
    try {
      requestEncoding = MessageCompression.parse(start.metadata());
    } catch (ProtocolException e) {
      writer.writeStatus(id, e.status(), Metadata.EMPTY);
      return;
    }
    ServerFrameStream stream = new ServerFrameStream(this, id, method, start.initialCredit());
    if (handshake.jsonMessages()) {
      Status noJson = stream.useJson();
      if (noJson != null) {
        writer.writeStatus(id, noJson, Metadata.EMPTY);
        return;
      }
    }
    String requested = start.metadata().get(MessageCompression.ENCODING_KEY);
    if (requested != null) { // gzip or identity: most calls name no encoding and need no extras
      stream.extras().requestedEncoding = requested;
      stream.inboundEncoding(requestEncoding);
    }
    stream.clientService(handshake.peerService(method.serviceName()));
    streams.put(id, stream);
    Deadline deadline =
        start.timeoutMicros() < 0 ? null : Deadline.afterNanos(start.timeoutNanos());
    ServerStreamListener streamListener;
    try {
      streamListener = listener.streamCreated(stream, method, start.metadata(), deadline);
    } catch (RuntimeException e) {
      log.error("bug: streamCreated failed for {}", method.fullName(), e);
      finishStream(
          stream,
          Status.INTERNAL.withDescription("server failed to start the call"),
          Metadata.EMPTY);
      return;
    }
    stream.listener = streamListener;
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
          "too many concurrent calls on this connection (limit "
              + settings.maxConcurrentStreams()
              + ")");
    }
    return null;
  }

  // ------------------------------------------------------------ reading

  @Override
  void onStreamFrame(byte type, int flags, FrameStream stream, ByteBuffer payload)
      throws ProtocolException {
    ServerFrameStream s = (ServerFrameStream) stream;
    boolean end = (flags & FrameType.FLAG_END_STREAM) != 0;
    boolean compressed = (flags & FrameType.FLAG_COMPRESSED) != 0;
    switch (type) {
      case FrameType.MESSAGE -> s.onMessage(payload, end, compressed);
      case FrameType.MESSAGE_START ->
          s.onMessageStart(
              FrameReader.readVarint32(payload, "total_length"), payload, end, compressed);
      case FrameType.MESSAGE_PART -> s.onMessagePart(payload, end);
      case FrameType.CREDIT -> s.onCredit(FrameReader.readCredit(payload));
      case FrameType.HALF_CLOSE -> s.onInboundEnd();
      case FrameType.CANCEL -> {
        StatusFrame st = StatusFrame.read(payload, settings.maxMetadataSize());
        streams.remove(s.id);
        s.cancelled(st.status().isOk() ? Status.CANCELLED : st.status());
        if (cancelledTooMuch()) {
          return;
        }
        closeIfDrained();
      }
      default -> throw ProtocolException.connection(FrameType.name(type) + " sent by the client");
    }
  }

  /**
   * Counts a call the client cancelled; past {@link TransportSettings#maxCancelsPerWindow()} in one
   * window, closes the connection and says so.
   */
  private boolean cancelledTooMuch() {
    long now = timers.nanoTime();
    if (cancelsInWindow == 0 || now - cancelWindowStartNanos >= WINDOW_NANOS) {
      cancelWindowStartNanos = now;
      cancelsInWindow = 0;
    }
    if (++cancelsInWindow <= settings.maxCancelsPerWindow()) {
      return false;
    }
    log.info(
        "{} cancelled more than {} calls in {} s: closing the connection",
        sink.peer(),
        settings.maxCancelsPerWindow(),
        TransportSettings.CANCEL_WINDOW_SECONDS);
    connectionError(
        Status.RESOURCE_EXHAUSTED.withDescription(
            "the client cancelled more than "
                + settings.maxCancelsPerWindow()
                + " calls in "
                + TransportSettings.CANCEL_WINDOW_SECONDS
                + " s"));
    return true;
  }

  @Override
  void peerGoingAway(int last, Status status) {
    // a client going away simply closes when done
  }

  @Override
  boolean sendsGoAway() {
    return true;
  }

  @Override
  int lastProcessedStreamId() {
    return highestStreamId;
  }

  // ------------------------------------------------------------ ending streams

  /** Ends {@code s} with STATUS (unless the connection is closed). */
  void finishStream(ServerFrameStream s, Status status, Metadata trailers) {
    if (s.closed) {
      return;
    }
    s.closed = true;
    streams.remove(s.id);
    if (!closed) {
      pingPolicy.resetCounters();
      writer.writeStatus(s.id, status, trailers);
    }
    closeIfDrained();
  }

  @Override
  void failLocally(FrameStream stream, Status status) {
    ServerFrameStream s = (ServerFrameStream) stream;
    finishStream(s, status, Metadata.EMPTY);
    if (s.listener != null) {
      s.listener.onCancel(status);
    }
  }

  @Override
  void abort(FrameStream s, Status status) {
    streams.remove(s.id);
    ((ServerFrameStream) s).cancelled(status);
  }

  @Override
  boolean pausesReadsOnBacklog() {
    return true;
  }

  @Override
  public void onOpen() {
    boolean opening = !open && !closed;
    super.onOpen();
    TransportEvents events = listener.transportEvents();
    if (opening && events != TransportEvents.NONE) {
      reportedOpen = sink.transport();
      events.connectionOpened(reportedOpen);
    }
  }

  @Override
  public void onClosed(Throwable cause) {
    String transport = reportedOpen;
    if (transport != null) {
      reportedOpen = null;
      listener.transportEvents().connectionClosed(transport);
    }
    super.onClosed(cause);
  }
}
