package dev.typedrpc.spi.frame;

import com.google.protobuf.CodedInputStream;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.MessageCodec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * State of one call on a {@link FrameConnection}, shared by both ends: inbound credit, buffering
 * and delivery, message reassembly, and outbound credit. All fields but {@link #appCredit} are
 * confined to the connection's executor.
 */
abstract class FrameStream {
  private static final VarHandle APP_CREDIT;

  static {
    try {
      APP_CREDIT = MethodHandles.lookup().findVarHandle(FrameStream.class, "appCredit", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final Object END_OF_INBOUND = new Object();

  /**
   * Stands for a null message (e.g. {@code google.protobuf.Empty} as {@code Void}) in the queues.
   */
  private static final Object NULL_MESSAGE = new Object();

  final FrameConnection conn;

  /** Set when the stream starts (client: when CALL_START is written). */
  int id;

  final MethodDescriptor<?, ?> method;

  /**
   * Decodes what this end receives. The method's binary codec, or its JSON form once {@link
   * #useJson} ran (before any message): a stream never changes it afterwards.
   */
  private MessageCodec<?> inboundCodec;

  /** Encodes what this end sends: requests on a client, responses on a server. */
  MessageCodec<?> outboundCodec;

  /** The messages travel as JSON ({@link #useJson}): a size the sender noted is not theirs. */
  private boolean json;

  /**
   * A message whose encoded size the sender already knows ({@link #sized}), and that size: the
   * writer skips its own size pass for it. Confined to the connection's thread.
   */
  private Object sizedMessage;

  private int sizedSize;

  private final boolean inboundMany;

  /**
   * Bytes the inbound credit window is sized for once messages have been seen: while the largest
   * message so far has S bytes, at most about {@code WINDOW_BYTES / S} credits are outstanding (at
   * least 1, at most {@code maxBufferedMessages}). Small messages keep the whole window, so a
   * stream of them costs one CREDIT frame per half window of many messages, not per few; large ones
   * keep what is in flight near HTTP/2's default stream window.
   */
  static final int WINDOW_BYTES = 64 * 1024;

  // inbound: credit we granted and the reader's demand
  private long readerDemand;
  private long granted;

  /**
   * Most credit outstanding at once: {@code maxBufferedMessages}, less once messages larger than
   * {@code WINDOW_BYTES / maxBufferedMessages} arrive ({@link #sizeWindow}). Never grows back.
   */
  private int windowLimit;

  /**
   * Received messages the reader has not asked for yet; created on first need (most calls never
   * need it).
   */
  private ArrayDeque<Object> inbox;

  private int received;
  private boolean inboundEnded;
  private boolean delivering;

  /** Encodings and the reassembly of a message sent in parts; null until a call needs them. */
  private StreamExtras extras;

  // outbound
  /**
   * Peer credit as application threads see it: decremented when they write. Any thread, through
   * {@link #APP_CREDIT} (a field rather than an atomic object: one less object per call).
   */
  private volatile long appCredit;

  long peerCredit;

  /** Messages written beyond the peer's credit; created on first need. */
  private ArrayDeque<Object> outbox;

  boolean closed;

  FrameStream(
      FrameConnection conn,
      int id,
      MethodDescriptor<?, ?> method,
      boolean clientSide,
      long initialGranted,
      long initialPeerCredit) {
    this.conn = conn;
    this.id = id;
    this.method = method;
    this.inboundCodec = clientSide ? method.responseCodec() : method.requestCodec();
    this.outboundCodec = clientSide ? method.requestCodec() : method.responseCodec();
    this.inboundMany =
        clientSide ? method.kind().serverSendsMany() : method.kind().clientSendsMany();
    this.granted = initialGranted;
    this.windowLimit = conn.settings.maxBufferedMessages();
    this.peerCredit = initialPeerCredit;
    this.appCredit = initialPeerCredit;
  }

  /**
   * The connection carries proto3 JSON messages ({@link MessageEncoding}): this stream's messages
   * are read and written as JSON from now on. Called once, before any message. Returns null, or the
   * status that ends the call when a message of the method has no JSON codec.
   */
  final Status useJson() {
    MessageCodec<?> in;
    MessageCodec<?> out;
    try {
      in = JsonFrameCodec.of(inboundCodec);
      out = JsonFrameCodec.of(outboundCodec);
    } catch (UnsupportedOperationException e) {
      return Status.UNIMPLEMENTED.withDescription(
          "this connection carries messages as JSON ("
              + MessageEncoding.PARAMETER
              + "="
              + MessageEncoding.JSON
              + "), but "
              + method.fullName()
              + " has a message without a JSON codec: "
              + e.getMessage());
    }
    inboundCodec = in;
    outboundCodec = out;
    json = true;
    return null;
  }

  /** Notes the encoded size of {@code message}, computed by the sender (on this thread). */
  final void sized(Object message, int size) {
    if (json) {
      return; // the sender sized the binary encoding
    }
    sizedMessage = message;
    sizedSize = size;
  }

  /**
   * The size noted for {@code message} by {@link #sized}, once (the note is then cleared), or -1.
   */
  final int takeSize(Object message) {
    if (message == null || message != sizedMessage) {
      return -1;
    }
    sizedMessage = null;
    return sizedSize;
  }

  /** Hands one decoded message to the listener. */
  abstract void deliverMessage(Object message);

  /** The stream's rarely needed state, made on first need. */
  final StreamExtras extras() {
    if (extras == null) {
      extras = new StreamExtras();
    }
    return extras;
  }

  /** The stream's rarely needed state, or null if nothing needed it yet. */
  final StreamExtras extrasOrNull() {
    return extras;
  }

  /** The encoding of inbound messages flagged compressed, or null. */
  final String inboundEncoding() {
    return extras == null ? null : extras.inboundEncoding;
  }

  /** Sets {@link #inboundEncoding()}; a null encoding makes nothing. */
  final void inboundEncoding(String encoding) {
    if (encoding != null || extras != null) {
      extras().inboundEncoding = encoding;
    }
  }

  /** The encoding outbound messages above the threshold are compressed with, or null. */
  final String outboundEncoding() {
    return extras == null ? null : extras.outboundEncoding;
  }

  /** Sets {@link #outboundEncoding()}; a null encoding makes nothing. */
  final void outboundEncoding(String encoding) {
    if (encoding != null || extras != null) {
      extras().outboundEncoding = encoding;
    }
  }

  /** A message sent in parts is being received. */
  private boolean receivingParts() {
    return extras != null && extras.partialExpected >= 0;
  }

  /** The peer will send nothing more (server: half-close). Client streams end by STATUS instead. */
  abstract void deliverInboundEnd();

  /** Called when the stream can take messages again. */
  abstract void notifyReady();

  /** Sends the frame granting {@code n} more messages. */
  abstract void sendCredit(int n);

  // ---------------------------------------------------------------- inbound

  /** The reader asks for {@code n} more messages. */
  final void request(long n) {
    if (closed || n <= 0) {
      return;
    }
    readerDemand = readerDemand + n < 0 ? Long.MAX_VALUE : readerDemand + n;
    deliver();
    grantCredit();
  }

  /** Credit announced outside a CREDIT frame (in CALL_START). */
  final void requestGranted(long n) {
    granted += n;
  }

  /** Raises the reader's demand without granting credit (it was granted already). */
  final void readerDemandOnly(long n) {
    readerDemand = readerDemand + n < 0 ? Long.MAX_VALUE : readerDemand + n;
    deliver();
  }

  /**
   * Grants the credit the reader's demand calls for, but never more than {@link #windowLimit}
   * ({@code maxBufferedMessages} at most) outstanding and buffered together: whatever the reader
   * requests (even {@code Long.MAX_VALUE}), at most that many messages can arrive before it takes
   * them. Credit goes out once at least half of the window it would fill is missing, so a fast
   * stream costs one CREDIT frame per half window, not one per message; the sender is never left
   * without credit while the reader wants more (when its credit is used up the whole window is
   * missing).
   */
  private void grantCredit() {
    if (closed || inboundEnded) {
      return;
    }
    long window = Math.min(readerDemand, windowLimit) - inboxSize();
    long add = window - granted;
    if (add > 0 && add * 2 >= window) {
      granted += add;
      sendCredit((int) add);
    }
  }

  /**
   * A message of {@code bytes} arrived: the window shrinks if that many would exceed {@link
   * #WINDOW_BYTES}.
   */
  private void sizeWindow(int bytes) {
    if ((long) bytes * windowLimit > WINDOW_BYTES) {
      windowLimit = Math.max(1, WINDOW_BYTES / bytes);
    }
  }

  /** A whole message arrived in {@code payload}, gzipped if {@code compressed}. */
  final void onMessage(ByteBuffer payload, boolean endStream, boolean compressed)
      throws ProtocolException {
    if (payload.remaining() > conn.settings.maxMessageSize()) {
      throw ProtocolException.stream(tooLarge(payload.remaining()));
    }
    if (compressed) {
      payload = inflate(payload);
    }
    sizeWindow(payload.remaining());
    acceptMessage(decode(CodedInputStream.newInstance(payload)), endStream);
  }

  /** The first part of a message too large for one frame, gzipped if {@code compressed}. */
  final void onMessageStart(
      int totalLength, ByteBuffer firstPart, boolean endStream, boolean compressed)
      throws ProtocolException {
    if (receivingParts()) {
      throw ProtocolException.stream(
          Status.INTERNAL.withDescription("MESSAGE_START while a message is still being received"));
    }
    if (totalLength < 0 || totalLength > conn.settings.maxMessageSize()) {
      throw ProtocolException.stream(tooLarge(totalLength & 0xffffffffL));
    }
    if (compressed) {
      checkCompressed();
    }
    StreamExtras x = extras();
    x.partialExpected = totalLength;
    x.partialCompressed = compressed;
    x.partialLength = 0;
    // grow as bytes arrive: a peer that announces a large message but sends little costs little
    // memory
    x.partial = new byte[Math.min(totalLength, 64 * 1024)];
    onMessagePart(firstPart, endStream);
  }

  /** The next part of a message. */
  final void onMessagePart(ByteBuffer part, boolean endStream) throws ProtocolException {
    if (!receivingParts()) {
      throw ProtocolException.stream(
          Status.INTERNAL.withDescription("MESSAGE_PART without a MESSAGE_START"));
    }
    StreamExtras x = extras;
    int n = part.remaining();
    if (n > x.partialExpected - x.partialLength) {
      throw ProtocolException.stream(
          Status.INTERNAL.withDescription(
              "message parts exceed the announced length " + x.partialExpected));
    }
    if (x.partialLength + n > x.partial.length) {
      byte[] grown =
          new byte
              [(int)
                  Math.min(
                      x.partialExpected, Math.max(x.partial.length * 2L, x.partialLength + n))];
      System.arraycopy(x.partial, 0, grown, 0, x.partialLength);
      x.partial = grown;
    }
    part.get(x.partial, x.partialLength, n);
    x.partialLength += n;
    if (x.partialLength == x.partialExpected) {
      byte[] bytes = x.partial;
      int length = x.partialLength;
      x.partial = null;
      x.partialExpected = -1;
      if (x.partialCompressed) {
        ByteBuffer inflated = inflate(ByteBuffer.wrap(bytes, 0, length));
        sizeWindow(inflated.remaining());
        acceptMessage(decode(CodedInputStream.newInstance(inflated)), endStream);
      } else {
        sizeWindow(length);
        acceptMessage(decode(CodedInputStream.newInstance(bytes, 0, length)), endStream);
      }
    } else if (endStream) {
      throw ProtocolException.stream(
          Status.INTERNAL.withDescription("stream ended in the middle of a message"));
    }
  }

  private Status tooLarge(long size) {
    return Status.RESOURCE_EXHAUSTED.withDescription(
        "message of "
            + size
            + " bytes for "
            + method.fullName()
            + " exceeds the limit of "
            + conn.settings.maxMessageSize()
            + " bytes");
  }

  /** A message flagged compressed may arrive only on a call whose peer announced an encoding. */
  private void checkCompressed() throws ProtocolException {
    if (inboundEncoding() == null) {
      throw ProtocolException.stream(
          Status.INTERNAL.withDescription(
              "a compressed message for "
                  + method.fullName()
                  + ", but the call announced no grpc-encoding"));
    }
  }

  /**
   * The gzipped message in {@code payload} inflated, never past {@code maxMessageSize}; checked
   * first as any message is, so a message that would be refused is not inflated.
   */
  private ByteBuffer inflate(ByteBuffer payload) throws ProtocolException {
    checkCompressed();
    checkReceivable();
    byte[] array;
    int offset;
    if (payload.hasArray()) {
      array = payload.array();
      offset = payload.arrayOffset() + payload.position();
    } else {
      array = new byte[payload.remaining()];
      payload.duplicate().get(array);
      offset = 0;
    }
    return conn.gzip.gunzip(
        array, offset, payload.remaining(), conn.settings.maxMessageSize(), method.fullName());
  }

  private Object decode(CodedInputStream in) throws ProtocolException {
    checkReceivable();
    try {
      return inboundCodec.decode(in, 0);
    } catch (Exception | StackOverflowError e) {
      throw ProtocolException.stream(decodeFailure(e));
    }
  }

  /** Whether one more message may arrive now: else the stream error the protocol names. */
  private void checkReceivable() throws ProtocolException {
    if (!inboundMany && received >= 1) {
      throw ProtocolException.stream(
          Status.INTERNAL.withDescription(
              method.fullName() + " takes one message, but a second arrived"));
    }
    if (granted <= 0) {
      throw ProtocolException.stream(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "message received beyond flow-control credit for "
                  + method.fullName()
                  + " ("
                  + inboxSize()
                  + " buffered, limit "
                  + conn.settings.maxBufferedMessages()
                  + ")"));
    }
    if (inboundEnded) {
      throw ProtocolException.stream(
          Status.INTERNAL.withDescription("message received after end of stream"));
    }
  }

  /** The status of a message that does not decode: the receiver's side decides the code. */
  abstract Status decodeFailure(Throwable cause);

  private void acceptMessage(Object message, boolean endStream) {
    granted--;
    received++;
    if (readerDemand > 0 && inboxEmpty() && !delivering) {
      // the common case: the reader is waiting and nothing is queued ahead of this message (a unary
      // request
      // with END_STREAM too: its end follows at once, without an inbox)
      if (readerDemand != Long.MAX_VALUE) {
        readerDemand--;
      }
      delivering = true;
      try {
        deliverMessage(message);
        if (endStream) {
          inboundEnded = true;
          if (!closed) {
            deliverInboundEnd();
          }
        }
      } finally {
        delivering = false;
      }
      deliver();
    } else {
      inbox().add(message == null ? NULL_MESSAGE : message);
      if (endStream) {
        inboundEnded = true;
        inbox.add(END_OF_INBOUND);
      }
      deliver();
    }
    grantCredit(); // a reader whose demand exceeds the bound gets its window refilled
  }

  /** The peer half-closed without a message. */
  final void onInboundEnd() throws ProtocolException {
    if (inboundEnded) {
      throw ProtocolException.stream(
          Status.INTERNAL.withDescription("end of stream received twice"));
    }
    if (receivingParts()) {
      throw ProtocolException.stream(
          Status.INTERNAL.withDescription("stream ended in the middle of a message"));
    }
    inboundEnded = true;
    inbox().add(END_OF_INBOUND);
    deliver();
  }

  /** Whether every received message has been handed to the reader. */
  final boolean inboxDrained() {
    return inboxEmpty();
  }

  private ArrayDeque<Object> inbox() {
    if (inbox == null) {
      inbox = new ArrayDeque<>(4);
    }
    return inbox;
  }

  private boolean inboxEmpty() {
    return inbox == null || inbox.isEmpty();
  }

  private int inboxSize() {
    return inbox == null ? 0 : inbox.size();
  }

  /** Whether no written message waits for credit. */
  final boolean outboxEmpty() {
    return outbox == null || outbox.isEmpty();
  }

  /** Drops messages waiting for credit (the call ends with an error). */
  final void clearOutbox() {
    if (outbox != null) {
      outbox.clear();
    }
  }

  private void deliver() {
    if (delivering) {
      return; // a listener called request() from inside a delivery: the outer loop continues
    }
    delivering = true;
    try {
      while (!closed && !inboxEmpty()) {
        Object next = inbox.peek();
        if (next == END_OF_INBOUND) {
          inbox.poll();
          deliverInboundEnd();
        } else if (readerDemand > 0) {
          inbox.poll();
          if (readerDemand != Long.MAX_VALUE) {
            readerDemand--;
          }
          deliverMessage(next == NULL_MESSAGE ? null : next);
        } else {
          break;
        }
      }
    } finally {
      delivering = false;
    }
    afterDelivery();
  }

  /** Hook after messages were delivered (client: a deferred OK status may now be delivered). */
  void afterDelivery() {}

  // ---------------------------------------------------------------- outbound

  /** Messages that may be written now without buffering. Any thread. */
  public final long demand() {
    return conn.sink.isWritable() ? Math.max(0, appCredit) : 0;
  }

  /** An application thread writes a message: one credit fewer. Any thread. */
  final void useAppCredit() {
    long unused = (long) APP_CREDIT.getAndAdd(this, -1L);
  }

  /** Whether application threads still see credit. Any thread. */
  final boolean hasAppCredit() {
    return appCredit > 0;
  }

  /** The peer granted {@code n} more messages. */
  final void onCredit(int n) {
    long before = (long) APP_CREDIT.getAndAdd(this, (long) n);
    peerCredit += n;
    drainOutbox();
    if (before <= 0 && before + n > 0 && conn.sink.isWritable()) {
      notifyReady();
    }
  }

  /** Writes the message now if the peer's credit allows, else queues it until credit arrives. */
  final void sendOrQueue(Object message) {
    if (closed) {
      return;
    }
    if (peerCredit > 0 && outboxEmpty()) {
      peerCredit--;
      writeOne(message);
    } else {
      if (outbox == null) {
        outbox = new ArrayDeque<>(4);
      }
      outbox.add(message == null ? NULL_MESSAGE : message);
    }
  }

  private void drainOutbox() {
    while (!closed && peerCredit > 0 && !outboxEmpty()) {
      peerCredit--;
      Object next = outbox.poll();
      writeOne(next == NULL_MESSAGE ? null : next);
    }
    if (outboxEmpty()) {
      onOutboxDrained();
    }
  }

  private void writeOne(Object message) {
    boolean last = endsOutbound();
    if (conn.writer.writeMessage(this, message, last)) {
      outboundEndedWithMessage();
    } else if (last) {
      onOutboxDrained(); // sent in parts, or failed: the end of the stream follows on its own
    }
  }

  /**
   * Hook: whether the message about to be written is the last this side sends (it may carry
   * END_STREAM).
   */
  boolean endsOutbound() {
    return false;
  }

  /** Hook: END_STREAM went out with the last message. */
  void outboundEndedWithMessage() {}

  /** Hook: queued messages are all written (a pending half-close or status may go now). */
  void onOutboxDrained() {}
}
