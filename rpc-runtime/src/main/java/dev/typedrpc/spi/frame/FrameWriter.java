package dev.typedrpc.spi.frame;

import com.google.protobuf.CodedOutputStream;
import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Every outbound frame of a connection goes through here: stream messages (fragmented when larger
 * than the peer's frame limit), responses, credit and control frames, and the connection's own
 * frames. Encoding and batching are {@link FrameBatcher}'s; this class decides what is written and
 * schedules the flush: at the end of the transport's read batch ({@link #onReadComplete()}) or by a
 * task queued on the executor. Executor only.
 *
 * <p>It is also the one place where outbound bytes are accounted: after every frame handed to the
 * sink, a full outbound buffer ({@link FrameSink#isWritable()} false) is reported to the
 * connection, which bounds what is queued ({@link FrameConnection#onOutboundBacklog()}). While the
 * buffer has room this costs one volatile read.
 */
final class FrameWriter {
  private final FrameConnection conn;
  private final FrameSink sink;
  private final Handshake handshake;
  private final FrameBatcher batcher;

  /**
   * The message {@link #writeMessage} encodes, as a reused writer rather than a lambda per message.
   */
  private final MessageWriter messageWriter = new MessageWriter();

  /** The method name of the last CALL_START, in UTF-8. */
  private final CallStart.MethodNames methodNames = new CallStart.MethodNames();

  private final Runnable flushTask = this::flushNow;

  /** Bytes of every frame written so far; less the sink's queued bytes, what has been sent. */
  private long bytesWritten;

  private boolean flushScheduled;

  /** The transport calls {@link #onReadComplete()} after each read batch. */
  private boolean readCompleteCalled;

  /** Inside a read batch that {@link #onReadComplete()} will end: a flush waits for it. */
  private boolean reading;

  FrameWriter(FrameConnection conn, FrameSink sink, Handshake handshake) {
    this.conn = conn;
    this.sink = sink;
    this.handshake = handshake;
    this.batcher = new FrameBatcher(sink, handshake);
  }

  // ------------------------------------------------------------ flushing

  /** A frame arrived: if the transport ends read batches, flushes wait for the end of this one. */
  void onReadStart() {
    reading = readCompleteCalled;
  }

  /**
   * The transport finished a read batch: writes made while handling it are flushed now, in one go.
   */
  void onReadComplete() {
    readCompleteCalled = true;
    reading = false;
    if (flushScheduled) {
      flushNow();
    }
  }

  private void flushNow() {
    flushScheduled = false;
    conn.beforeFlush();
    flush();
  }

  /** Hands everything written so far to the transport and flushes it. */
  void flush() {
    batcher.sendBatch();
    sink.flush();
  }

  void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      if (!reading) {
        sink.executor().execute(flushTask);
      } // else onReadComplete() flushes at the end of the batch
    }
  }

  // ------------------------------------------------------------ frames

  /**
   * Writes one frame whose payload {@code payload} encodes in exactly {@code payloadSize} bytes.
   */
  void writeFrame(
      byte type, int flags, int id, int payloadSize, FrameBatcher.PayloadWriter payload) {
    batcher.write(type, flags, id, payloadSize, payload);
    bytesWritten += Frames.headerSize(id) + payloadSize;
    written();
  }

  /** Bytes of every frame written so far (the stall watch's measure of progress). */
  long bytesWritten() {
    return bytesWritten;
  }

  /**
   * After a frame went to the sink (or joined the open batch): the accounting point, then the
   * flush.
   */
  private void written() {
    if (!sink.isWritable()) {
      conn.onOutboundBacklog();
    }
    scheduleFlush();
  }

  void writeCallStart(ClientFrameStream s) {
    s.callStartWritten = true;
    // the call's requests are compressed if it asked for gzip (grpc-encoding, which CALL_START
    // carries) and the server decompresses it
    if (handshake.peerAcceptsGzip()
        && MessageCompression.GZIP.equalsIgnoreCase(
            s.headers.get(MessageCompression.ENCODING_KEY))) {
      s.outboundEncoding(MessageCompression.GZIP);
    }
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

  /** Whether the peer decompresses gzip. */
  boolean peerAcceptsGzip() {
    return handshake.peerAcceptsGzip();
  }

  void writeHeaders(ServerFrameStream s, Metadata headers) {
    writeFrame(
        FrameType.HEADERS,
        0,
        s.id,
        Frames.metadataSize(Frames.METADATA_FIELD, headers),
        out -> Frames.writeMetadata(out, Frames.METADATA_FIELD, headers));
  }

  /** A frame without payload (HALF_CLOSE) on stream {@code s}. */
  void writeControl(FrameStream s, byte type, int flags) {
    conn.beforeStreamFrame(s);
    writeFrame(type, flags, s.id, 0, out -> {});
  }

  void writeCredit(FrameStream s, int n) {
    if (conn.isClosed()) {
      return;
    }
    writeFrame(
        FrameType.CREDIT,
        0,
        s.id,
        CodedOutputStream.computeUInt32SizeNoTag(n),
        out -> out.writeUInt32NoTag(n));
  }

  void writeStatus(int id, Status status, Metadata trailers) {
    StatusFrame st = new StatusFrame(status, trailers);
    writeFrame(FrameType.STATUS, 0, id, st.size(), st);
  }

  void writeCancel(int id, Status status) {
    StatusFrame st = new StatusFrame(status, Metadata.EMPTY);
    writeFrame(FrameType.CANCEL, 0, id, st.size(), st);
  }

  void writePing(long payload) {
    writeFrame(FrameType.PING, 0, 0, 8, out -> out.writeFixed64NoTag(Long.reverseBytes(payload)));
  }

  void writePong(long payload) {
    writeFrame(FrameType.PONG, 0, 0, 8, out -> out.writeFixed64NoTag(Long.reverseBytes(payload)));
  }

  /**
   * GOAWAY: streams up to {@code last} are processed; those after it are not and may be retried.
   */
  void writeGoAway(int last, Status status) {
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

  // ------------------------------------------------------------ messages

  /**
   * Encodes one message of stream {@code s}, in one frame or, if larger than the peer's frame
   * limit, in a MESSAGE_START and MESSAGE_PARTs encoded straight into the transport's buffers. A
   * message the peer would refuse as too large, or one that fails to encode, fails its call here
   * and is never sent. With {@code endStream}, the message carries END_STREAM when it fits in one
   * frame. Returns whether END_STREAM was sent (false: the caller sends HALF_CLOSE itself).
   */
  @SuppressWarnings("unchecked")
  boolean writeMessage(FrameStream s, Object message, boolean endStream) {
    MessageCodec<Object> codec = (MessageCodec<Object>) s.outboundCodec;
    int size = s.takeSize(message); // a stub's request: sized on the caller's thread already
    try {
      if (size < 0) {
        size = codec.encodedSize(message);
      }
    } catch (RuntimeException e) {
      conn.failLocally(
          s,
          Status.INTERNAL
              .withDescription("could not encode a message of " + s.method.fullName() + ": " + e)
              .withCause(e));
      return false;
    }
    int peerMaxMessageSize = handshake.peerMaxMessageSize();
    if (size > peerMaxMessageSize) {
      conn.failLocally(
          s,
          Status.RESOURCE_EXHAUSTED.withDescription(
              "message of "
                  + size
                  + " bytes for "
                  + s.method.fullName()
                  + " exceeds the peer's limit of "
                  + peerMaxMessageSize
                  + " bytes"));
      return false;
    }
    conn.beforeStreamFrame(s);
    try {
      if (s.outboundEncoding() != null && size >= conn.settings.compressionThreshold()) {
        return writeCompressed(s, codec, message, size, endStream);
      }
      if (Frames.headerSize(s.id) + size <= handshake.peerMaxFrameSize()) {
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
      conn.failLocally(
          s,
          Status.INTERNAL
              .withDescription(
                  "could not encode a message of " + s.method.fullName() + ": " + e.getCause())
              .withCause(e));
    }
    return false;
  }

  /**
   * Encodes the message, gzips it and writes it flagged COMPRESSED, in one frame or in parts; a
   * message that gzip does not shrink goes as it is. Returns whether END_STREAM was sent.
   */
  private boolean writeCompressed(
      FrameStream s, MessageCodec<Object> codec, Object message, int size, boolean endStream)
      throws IOException {
    byte[] encoded = new byte[size];
    CodedOutputStream raw = CodedOutputStream.newInstance(encoded);
    codec.encode(message, raw);
    raw.checkNoSpaceLeft();
    byte[] gzipped = conn.gzip.gzip(encoded, size);
    byte[] body = gzipped == null ? encoded : gzipped;
    int flags = gzipped == null ? 0 : FrameType.FLAG_COMPRESSED;
    if (Frames.headerSize(s.id) + body.length <= handshake.peerMaxFrameSize()) {
      writeFrame(
          FrameType.MESSAGE,
          flags | (endStream ? FrameType.FLAG_END_STREAM : 0),
          s.id,
          body.length,
          out -> out.writeRawBytes(body));
      return endStream;
    }
    FragmentingOutput fragments =
        new FragmentingOutput(this, s.id, body.length, handshake.peerMaxFrameSize(), flags);
    fragments.write(body, 0, body.length);
    fragments.finish();
    return false;
  }

  private void writeFragmented(FrameStream s, MessageCodec<Object> codec, Object message, int size)
      throws IOException {
    FragmentingOutput fragments =
        new FragmentingOutput(this, s.id, size, handshake.peerMaxFrameSize());
    CodedOutputStream out = CodedOutputStream.newInstance(fragments, 8192);
    codec.encode(message, out);
    out.flush();
    fragments.finish();
  }

  /** A buffer for one fragment that {@link FragmentingOutput} fills. */
  ByteBuffer allocateFrame(int size) {
    return batcher.allocate(size);
  }

  /** Queues a fragment that {@link FragmentingOutput} filled. */
  void queueFrame(ByteBuffer frame) {
    bytesWritten += frame.position();
    sink.write(frame);
    written();
  }

  /** Writes one message with its codec (set, used and cleared within one frame). */
  private static final class MessageWriter implements FrameBatcher.PayloadWriter {
    MessageCodec<Object> codec;
    Object message;

    @Override
    public void write(CodedOutputStream out) throws IOException {
      codec.encode(message, out);
    }
  }
}
