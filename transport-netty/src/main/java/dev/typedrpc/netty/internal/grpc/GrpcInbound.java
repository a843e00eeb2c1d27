package dev.typedrpc.netty.internal.grpc;

import com.google.protobuf.CodedInputStream;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.spi.MessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The inbound half of one gRPC stream: splits DATA frames into 5-byte-prefixed messages, decodes
 * them with the method's codec when the reader asked for them, and returns their bytes to HTTP/2
 * flow control only then (and the bytes of a message being assembled for a reader that asked for
 * it), so buffering is bounded by the stream's window and a message that does not fit in one window
 * still arrives.
 *
 * <p>A message inside one DATA frame is decoded straight from that frame's buffer (through the
 * thread's scratch array when it is small: {@link GrpcScratch}); a message spread over several
 * frames is copied into one pooled buffer of its declared size, which was checked against the limit
 * first. A frame that arrives with nothing buffered before it, for a reader that asked for
 * messages, is read where it lies: only what is left of it once the reader is served is kept, as a
 * retained slice. Confined to the channel's event loop. Owns the retained slices it holds until
 * {@link #release}.
 */
final class GrpcInbound {
  static final int HEADER_LENGTH = 5;

  /** Where messages and the end of the stream go. */
  interface Sink {
    void onMessage(Object message);

    /** The peer sent no more, and every message was delivered. */
    void onEnd();

    /** The input is malformed or over a limit: the stream must end with this status. */
    void onError(Status status);
  }

  /** Gives bytes back to the HTTP/2 inbound flow controller of the stream. */
  interface FlowControl {
    void returnBytes(int n);
  }

  private final MessageCodec<?> codec;
  private final int maxMessageSize;
  private final Status decodeFailure;
  private final ByteBufAllocator alloc;
  private final FlowControl flow;

  /**
   * DATA not yet taken, in order: made on the first DATA with bytes and dropped once emptied after
   * the peer's end of stream, so a stream whose whole request was read (a server-streaming call)
   * holds none.
   */
  private ArrayDeque<ByteBuf> parts;

  /**
   * The DATA frame being read where it lies, during {@link #onData}, when nothing was buffered
   * before it: it is not ours (no retain), and what the reader does not take from it becomes a
   * retained slice in {@link #parts} before {@code onData} returns. Null otherwise.
   */
  private ByteBuf borrowed;

  private Sink sink;
  private boolean gzip;

  /**
   * The peer sends one message (a unary or server-streaming request): anything after it is an
   * error.
   */
  private boolean single;

  private boolean delivered;
  private int readable;
  private int pendingLength = -1;
  private boolean pendingCompressed;
  private long received;
  private long taken;
  private final String method;
  private long returned;
  private int requested;
  private boolean endOfStream;
  private boolean done;
  private boolean delivering;

  /**
   * @param decodeFailure the status for a message that does not decode ({@code INVALID_ARGUMENT} on
   *     a server, {@code INTERNAL} on a client)
   */
  GrpcInbound(
      MessageCodec<?> codec,
      String method,
      int maxMessageSize,
      Status decodeFailure,
      ByteBufAllocator alloc,
      FlowControl flow) {
    this.codec = codec;
    this.method = method;
    this.maxMessageSize = maxMessageSize;
    this.decodeFailure = decodeFailure;
    this.alloc = alloc;
    this.flow = flow;
  }

  /** The peer's {@code grpc-encoding} is gzip: messages flagged compressed are gunzipped. */
  void gzip(boolean gzip) {
    this.gzip = gzip;
  }

  /**
   * The peer sends exactly one message: bytes after it fail the stream at once. Without this, a
   * reader that asked for one message would wait forever for the end of a stream that still holds
   * unread bytes.
   */
  void single(boolean single) {
    this.single = single;
  }

  /** Starts delivering to {@code sink} (what arrived before waits for it). */
  void start(Sink sink) {
    this.sink = sink;
    deliver();
  }

  /** A DATA frame (not retained by the caller beyond the call: this keeps a retained slice). */
  void onData(ByteBuf data, boolean endOfStream) {
    if (done) {
      return;
    }
    int n = data.readableBytes();
    if (n > 0 && parts == null && requested > 0 && sink != null && !delivering) {
      // nothing waits before this frame and the reader wants messages: read them from the frame
      // itself, and keep only what is left of it
      readable += n;
      received += n;
      this.endOfStream |= endOfStream;
      borrowed = data;
      try {
        deliver();
      } finally {
        keepRest();
      }
      return;
    }
    if (n > 0) {
      if (parts == null) {
        parts = new ArrayDeque<>(4);
      }
      parts.add(data.retainedSlice());
      readable += n;
      received += n;
    }
    this.endOfStream |= endOfStream;
    if (endOfStream && parts != null && parts.isEmpty()) {
      parts = null;
    }
    deliver();
  }

  /** What the reader left of the borrowed frame becomes ours: a retained slice (or nothing). */
  private void keepRest() {
    ByteBuf rest = borrowed;
    borrowed = null;
    if (rest == null || done || !rest.isReadable()) {
      return;
    }
    parts = new ArrayDeque<>(4);
    parts.add(rest.retainedSlice()); // deliver() has judged it already: it waits for the reader
  }

  void request(int n) {
    requested = (int) Math.min(Integer.MAX_VALUE, (long) requested + n);
    deliver();
  }

  /** Frees what is buffered; nothing is delivered afterwards. Idempotent. */
  void release() {
    done = true;
    borrowed = null; // the caller's
    ArrayDeque<ByteBuf> p = parts;
    parts = null;
    ByteBuf b;
    while (p != null && (b = p.poll()) != null) {
      b.release();
    }
    readable = 0;
  }

  private void deliver() {
    if (sink == null || delivering || done) {
      return;
    }
    delivering = true;
    try {
      while (!done && requested > 0) {
        Object message;
        try {
          message = poll();
        } catch (RpcException e) {
          fail(e.status());
          return;
        }
        if (message == NONE) {
          break;
        }
        requested--;
        returnUpTo(taken);
        delivered = true;
        sink.onMessage(message == NULL ? null : message);
      }
      if (done) {
        return;
      }
      boolean partial = readable > 0 || pendingLength >= 0;
      if (single && delivered && partial) {
        fail(
            Status.INTERNAL.withDescription(
                "the call takes one request message, but more data followed it"));
        return;
      }
      if (requested > 0 && partial) {
        returnUpTo(
            received); // every buffered byte belongs to the message the reader is waiting for
      }
      if (endOfStream && !partial) {
        done = true;
        sink.onEnd();
      } else if (endOfStream && requested > 0) {
        fail(Status.INTERNAL.withDescription("the stream ended in the middle of a message"));
      }
    } finally {
      delivering = false;
    }
  }

  private void fail(Status status) {
    release();
    sink.onError(status);
  }

  private void returnUpTo(long upTo) {
    if (upTo > returned) {
      flow.returnBytes((int) (upTo - returned));
      returned = upTo;
    }
  }

  private static final Object NONE = new Object();
  private static final Object NULL = new Object();

  /**
   * The next whole message decoded, {@link #NONE} if it has not fully arrived, {@link #NULL} for
   * null.
   */
  private Object poll() {
    if (pendingLength < 0) {
      if (readable < HEADER_LENGTH) {
        return NONE;
      }
      int flags;
      long length;
      ByteBuf head = head();
      if (head.readableBytes() >= HEADER_LENGTH) { // read in place: no slice
        flags = head.readUnsignedByte();
        length = head.readUnsignedInt();
        readable -= HEADER_LENGTH;
        if (!head.isReadable()) {
          releaseHead();
        }
      } else {
        ByteBuf header = take(HEADER_LENGTH);
        try {
          flags = header.readUnsignedByte();
          length = header.readUnsignedInt();
        } finally {
          header.release();
        }
      }
      taken += HEADER_LENGTH;
      if ((flags & ~1) != 0) {
        throw Status.INTERNAL
            .withDescription("malformed message prefix: compressed flag " + flags)
            .asException();
      }
      if (length > maxMessageSize) {
        throw Status.RESOURCE_EXHAUSTED
            .withDescription(
                "message of "
                    + length
                    + " bytes for "
                    + method
                    + " exceeds the limit of "
                    + maxMessageSize
                    + " bytes")
            .asException();
      }
      if (flags == 1 && !gzip) {
        throw Status.INTERNAL
            .withDescription(
                "a compressed message arrived but no supported grpc-encoding was declared")
            .asException();
      }
      pendingLength = (int) length;
      pendingCompressed = flags == 1;
    }
    if (readable < pendingLength) {
      return NONE;
    }
    int length = pendingLength;
    pendingLength = -1;
    taken += length;
    ByteBuf head = length == 0 ? null : head();
    if (!pendingCompressed && head != null && head.readableBytes() >= length) {
      // the whole message is in one DATA frame: decoded where it lies, no slice of it
      readable -= length;
      try {
        Object decoded = decode(head, head.readerIndex(), length);
        return decoded == null ? NULL : decoded;
      } finally {
        head.skipBytes(length);
        if (!head.isReadable()) {
          releaseHead();
        }
      }
    }
    ByteBuf body = take(length);
    try {
      if (pendingCompressed) {
        ByteBuf plain = gunzip(body);
        body.release();
        body = plain;
      }
      Object decoded = decode(body, body.readerIndex(), body.readableBytes());
      return decoded == null ? NULL : decoded;
    } finally {
      body.release();
    }
  }

  /**
   * {@code n} bytes from the front: a retained slice when one part holds them, else a pooled copy.
   */
  private ByteBuf take(int n) {
    if (n == 0) {
      return Unpooled.EMPTY_BUFFER;
    }
    readable -= n;
    ByteBuf head = head();
    if (head.readableBytes() >= n) {
      ByteBuf slice = head.readRetainedSlice(n);
      if (!head.isReadable()) {
        releaseHead();
      }
      return slice;
    }
    ByteBuf out = alloc.buffer(n);
    while (out.readableBytes() < n) {
      head = parts.peek();
      int k = Math.min(head.readableBytes(), n - out.readableBytes());
      out.writeBytes(head, k);
      if (!head.isReadable()) {
        releaseHead();
      }
    }
    return out;
  }

  /** The first unread bytes: the borrowed frame, else the first part. */
  private ByteBuf head() {
    return borrowed != null ? borrowed : parts.peek();
  }

  /** Releases the first part, all of it taken; the deque goes with the last one the peer sends. */
  private void releaseHead() {
    if (borrowed != null) {
      borrowed = null; // the caller's: nothing to release
      return;
    }
    parts.poll().release();
    if (endOfStream && parts.isEmpty()) {
      parts = null;
    }
  }

  /**
   * Decodes the {@code length} bytes at {@code index} of {@code buf}: from its array if it has one,
   * else from a copy in the thread's scratch array ({@link GrpcScratch}) if they fit, else through
   * protobuf's own copy. Protobuf copies every {@code bytes} field out of the input (it does not
   * alias), so the decoded message never refers to the buffer or the scratch array.
   */
  private Object decode(ByteBuf buf, int index, int length) {
    try {
      CodedInputStream in;
      if (buf.hasArray()) {
        in = CodedInputStream.newInstance(buf.array(), buf.arrayOffset() + index, length);
      } else if (length <= GrpcScratch.SIZE) {
        byte[] scratch = GrpcScratch.array();
        buf.getBytes(index, scratch, 0, length);
        in = CodedInputStream.newInstance(scratch, 0, length);
      } else {
        in =
            CodedInputStream.newInstance(
                buf.nioBufferCount() == 1
                    ? buf.nioBuffer(index, length)
                    : ByteBuffer.wrap(ByteBufUtil.getBytes(buf, index, length)));
      }
      return codec.decode(in, 0);
    } catch (IOException | RuntimeException e) {
      throw decodeFailure
          .withDescription("could not decode a message: " + e.getMessage())
          .asException();
    }
  }

  /** Inflates a gzip message into a pooled buffer, never beyond the message size limit. */
  private ByteBuf gunzip(ByteBuf compressed) {
    return GrpcGzip.gunzip(alloc, compressed, maxMessageSize, method);
  }
}
