package dev.typedrpc.spi.frame;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.TransportSettings;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The client end of a frame connection: starts streams (ids, CALL_START, the version gate), holds
 * calls until the server's SETTINGS arrive, reads the server's stream frames, and tells the channel
 * when the connection shuts down. Executor only, but for {@link #newStream}.
 */
final class ClientFrameConnection extends FrameConnection {
  private final ClientTransport.Listener listener;

  /** Tasks that wait for the connection to open. */
  private final ArrayDeque<Runnable> untilOpen = new ArrayDeque<>();

  /** Streams whose CALL_START is not written yet, in id order. */
  private final ArrayDeque<ClientFrameStream> pendingCallStarts = new ArrayDeque<>();

  private int nextStreamId = 1;
  private boolean shutdownNotified;
  private boolean terminatedNotified;

  ClientFrameConnection(
      FrameSink sink,
      TransportSettings settings,
      ClientTransport.Listener listener,
      boolean jsonMessages) {
    super(sink, settings, jsonMessages);
    this.listener = listener;
  }

  @Override
  public ClientStream newStream(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener) {
    ClientFrameStream stream = new ClientFrameStream(this, method, headers, deadline, listener);
    execute(stream); // the stream is its own start task (ClientFrameStream.run)
    return stream;
  }

  @Override
  List<ServiceVersion> localServices() {
    return listener.localServices();
  }

  /** The server's SETTINGS arrived: the calls that waited are released. */
  @Override
  void onPeerSettings(List<ServiceVersion> services) {
    listener.serverServices(List.copyOf(services));
    listener.transportReady();
    while (!untilOpen.isEmpty() && !closed) {
      untilOpen.poll().run();
    }
    // demand() was 0 while the connection was not writable: writers that looked then must hear it
    // changed
    onWritabilityChanged();
  }

  @Override
  boolean waitsForPeer() {
    return !handshake.peerReady() && !closed;
  }

  @Override
  void deferUntilReady(Runnable task) {
    untilOpen.add(task);
  }

  @Override
  boolean hasDeferred() {
    return !untilOpen.isEmpty();
  }

  @Override
  void runDeferred() {
    while (!untilOpen.isEmpty()) {
      untilOpen.poll().run();
    }
  }

  @Override
  void notifyShutdown(Status status) {
    if (!shutdownNotified) {
      shutdownNotified = true;
      listener.transportShutdown(status);
    }
  }

  @Override
  void notifyTerminated() {
    if (!terminatedNotified) {
      terminatedNotified = true;
      listener.transportTerminated();
    }
  }

  // ------------------------------------------------------------ starting streams

  /** Starts {@code s} (executor only; its start task calls this). */
  void start(ClientFrameStream s) {
    if (s.closed) {
      return;
    }
    if (closed || draining) {
      Status why =
          closed && closeStatus != null
              ? closeStatus
              : Status.UNAVAILABLE.withDescription(
                  closed
                      ? "connection is closed"
                      : "connection is shutting down; the call was not sent");
      s.refuse(why);
      return;
    }
    if (s.deadline != null && s.deadline.isExpired()) {
      s.close(
          Status.DEADLINE_EXCEEDED.withDescription("deadline passed before the call started"),
          Metadata.EMPTY);
      return;
    }
    Status unsupported = handshake.unsupportedByServer(s.method);
    if (unsupported == null && handshake.jsonMessages()) {
      unsupported = s.useJson();
    }
    if (unsupported != null) {
      s.close(unsupported, Metadata.EMPTY);
      return;
    }
    if (nextStreamId <= 0) {
      draining = true;
      notifyShutdown(Status.UNAVAILABLE.withDescription("stream ids exhausted"));
      s.refuse(Status.UNAVAILABLE.withDescription("stream ids exhausted on this connection"));
      return;
    }
    s.id = nextStreamId++;
    s.registered = true;
    streams.put(s.id, s);
    // CALL_START waits for the stream's first frame or the end of this batch, so that credit the
    // caller grants
    // right after starting travels in it, and a unary request goes out as CALL_START +
    // MESSAGE(END_STREAM)
    pendingCallStarts.add(s);
    writer.scheduleFlush();
  }

  /** Writes CALL_START of {@code s} (and of every stream started before it) if not written yet. */
  @Override
  void beforeStreamFrame(FrameStream stream) {
    if (!(stream instanceof ClientFrameStream s) || s.callStartWritten) {
      return;
    }
    while (!pendingCallStarts.isEmpty() && pendingCallStarts.peek().id <= s.id) {
      writer.writeCallStart(pendingCallStarts.poll());
    }
  }

  @Override
  void beforeFlush() {
    if (closed) {
      return;
    }
    while (!pendingCallStarts.isEmpty()) {
      writer.writeCallStart(pendingCallStarts.poll());
    }
  }

  // ------------------------------------------------------------ reading

  @Override
  void onCallStart(int id, int flags, ByteBuffer payload) throws ProtocolException {
    throw ProtocolException.connection("CALL_START sent by the server");
  }

  @Override
  int highestStreamId() {
    return nextStreamId - 1;
  }

  @Override
  void onStreamFrame(byte type, int flags, FrameStream stream, ByteBuffer payload)
      throws ProtocolException {
    ClientFrameStream s = (ClientFrameStream) stream;
    boolean compressed = (flags & FrameType.FLAG_COMPRESSED) != 0;
    switch (type) {
      case FrameType.HEADERS ->
          s.onHeaders(
              FrameReader.readMetadataBlock(
                  payload, Frames.METADATA_FIELD, settings.maxMetadataSize()));
      case FrameType.MESSAGE -> s.onMessage(payload, false, compressed);
      case FrameType.MESSAGE_START ->
          s.onMessageStart(
              FrameReader.readVarint32(payload, "total_length"), payload, false, compressed);
      case FrameType.MESSAGE_PART -> s.onMessagePart(payload, false);
      case FrameType.CREDIT -> s.onCredit(FrameReader.readCredit(payload));
      case FrameType.STATUS -> {
        StatusFrame st = StatusFrame.read(payload, settings.maxMetadataSize());
        s.onStatus(st.status(), st.trailers());
      }
      default -> throw ProtocolException.connection(FrameType.name(type) + " sent by the server");
    }
  }

  /** The server went away: calls it did not process fail as safe to retry; the rest finish. */
  @Override
  void peerGoingAway(int last, Status status) {
    if (status.code() == Status.Code.RESOURCE_EXHAUSTED
        && status.description() != null
        && status.description().startsWith(ConnectionLiveness.TOO_MANY_PINGS)) {
      listener.tooManyPings();
    }
    draining = true;
    notifyShutdown(status.isOk() ? Status.UNAVAILABLE.withDescription("server went away") : status);
    for (FrameStream s : streams.snapshot()) {
      if (s.id > last) {
        end(
            (ClientFrameStream) s,
            Status.UNAVAILABLE.withDescription(
                "server went away before processing the call ("
                    + status
                    + "); it is safe to retry"),
            Metadata.EMPTY,
            false,
            true);
      }
    }
    closeIfDrained();
  }

  @Override
  boolean sendsGoAway() {
    return false;
  }

  @Override
  int lastProcessedStreamId() {
    return 0;
  }

  // ------------------------------------------------------------ ending streams

  /** The client application cancelled. */
  void cancelStream(ClientFrameStream s, Status status) {
    finishStream(s, status, Metadata.EMPTY, true);
  }

  void finishStream(ClientFrameStream s, Status status, Metadata trailers, boolean sendCancel) {
    end(s, status, trailers, sendCancel, false);
  }

  /**
   * @param refused the server never started the call: it was never sent, or is above the last
   *     stream id of the server's GOAWAY
   */
  private void end(
      ClientFrameStream s, Status status, Metadata trailers, boolean sendCancel, boolean refused) {
    if (s.closed) {
      return;
    }
    if (s.registered) {
      streams.remove(s.id);
      if (!s.callStartWritten) {
        pendingCallStarts.remove(s); // never sent: nothing to cancel on the wire
      } else if (sendCancel && !closed) {
        writer.writeCancel(s.id, status);
      }
    }
    if (refused) {
      s.refuse(status);
    } else {
      s.close(status, trailers);
    }
    closeIfDrained();
  }

  @Override
  void failLocally(FrameStream s, Status status) {
    finishStream((ClientFrameStream) s, status, Metadata.EMPTY, true);
  }

  @Override
  void abort(FrameStream stream, Status status) {
    ClientFrameStream s = (ClientFrameStream) stream;
    end(s, status, Metadata.EMPTY, false, !s.callStartWritten); // never sent: never started
  }

  @Override
  boolean pausesReadsOnBacklog() {
    return false;
  }
}
