package dev.typedrpc.netty.internal.grpc;

import com.google.protobuf.CodedOutputStream;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.spi.MessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;

/**
 * Encodes one message into a pooled buffer with gRPC's 5-byte prefix (compressed flag, uint32
 * length). A message is gzipped when its call compresses ({@code gzipFrom} &ge; 0), it has at least
 * {@code gzipFrom} bytes (the compression threshold), and gzip makes it smaller.
 */
final class GrpcFramer {
  private GrpcFramer() {}

  /**
   * The framed message; the caller owns the buffer.
   *
   * @throws RpcException {@code RESOURCE_EXHAUSTED} over {@code maxSize}, {@code INTERNAL} if it
   *     cannot encode
   */
  static ByteBuf frame(
      ByteBufAllocator alloc,
      MessageCodec<?> codec,
      Object message,
      int maxSize,
      int gzipFrom,
      String method) {
    return frame(alloc, codec, message, -1, maxSize, gzipFrom, method);
  }

  /**
   * As {@link #frame(ByteBufAllocator, MessageCodec, Object, int, int, String)}, for a message
   * whose encoded size the caller computed ({@code knownSize}; -1 if not): no second size pass. A
   * message that no longer encodes to that size fails with {@code INTERNAL}.
   */
  @SuppressWarnings("unchecked")
  static ByteBuf frame(
      ByteBufAllocator alloc,
      MessageCodec<?> codec,
      Object message,
      int knownSize,
      int maxSize,
      int gzipFrom,
      String method) {
    MessageCodec<Object> c = (MessageCodec<Object>) codec;
    int size = knownSize >= 0 ? knownSize : encodedSize(c, message, method);
    checkSize(size, maxSize, method);
    ByteBuf buf = alloc.ioBuffer(GrpcInbound.HEADER_LENGTH + size);
    try {
      buf.writeByte(0).writeInt(size);
      if (size > 0 || knownSize >= 0) { // a known size is checked against the encoding too
        encode(c, message, buf, GrpcInbound.HEADER_LENGTH, size);
      }
      buf.writerIndex(GrpcInbound.HEADER_LENGTH + size);
      ByteBuf compressed = gzipFrom >= 0 && size >= gzipFrom ? compress(alloc, buf) : null;
      return compressed != null ? compressed : buf.retain();
    } catch (IOException | RuntimeException e) {
      throw Status.INTERNAL
          .withDescription("could not encode a message of " + method + ": " + e)
          .withCause(e)
          .asException();
    } finally {
      buf.release();
    }
  }

  /**
   * Appends {@code message}, framed, to {@code out} (which grows if it must); as {@link #frame}
   * otherwise. On failure {@code out} is as it was.
   */
  @SuppressWarnings("unchecked")
  static void frameInto(
      ByteBuf out,
      ByteBufAllocator alloc,
      MessageCodec<?> codec,
      Object message,
      int maxSize,
      int gzipFrom,
      String method) {
    if (gzipFrom >= 0) { // may or may not compress: framed on its own, then copied
      ByteBuf framed = frame(alloc, codec, message, -1, maxSize, gzipFrom, method);
      try {
        out.writeBytes(framed);
      } finally {
        framed.release();
      }
      return;
    }
    MessageCodec<Object> c = (MessageCodec<Object>) codec;
    int size = encodedSize(c, message, method);
    checkSize(size, maxSize, method);
    int start = out.writerIndex();
    try {
      out.ensureWritable(GrpcInbound.HEADER_LENGTH + size);
      out.writeByte(0).writeInt(size);
      if (size > 0) {
        encode(c, message, out, start + GrpcInbound.HEADER_LENGTH, size);
      }
      out.writerIndex(start + GrpcInbound.HEADER_LENGTH + size);
    } catch (IOException | RuntimeException e) {
      out.writerIndex(start);
      throw Status.INTERNAL
          .withDescription("could not encode a message of " + method + ": " + e)
          .withCause(e)
          .asException();
    }
  }

  private static int encodedSize(MessageCodec<Object> c, Object message, String method) {
    try {
      return c.encodedSize(message);
    } catch (RuntimeException e) {
      throw Status.INTERNAL
          .withDescription("could not encode a message of " + method + ": " + e)
          .withCause(e)
          .asException();
    }
  }

  private static void checkSize(int size, int maxSize, String method) {
    if (size > maxSize) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              "message of "
                  + size
                  + " bytes for "
                  + method
                  + " exceeds the peer's limit of "
                  + maxSize
                  + " bytes")
          .asException();
    }
  }

  /**
   * Encodes {@code message} ({@code size} bytes) into {@code buf} at {@code index}, without moving
   * its writer index: into the buffer's array if it has one; a small message into the thread's
   * scratch array, then copied (one copy of a few bytes costs less than the direct encoder and the
   * two views of the direct memory it needs); a large one straight into the memory through a view.
   */
  private static void encode(
      MessageCodec<Object> c, Object message, ByteBuf buf, int index, int size) throws IOException {
    CodedOutputStream out;
    if (buf.hasArray()) {
      out = CodedOutputStream.newInstance(buf.array(), buf.arrayOffset() + index, size);
      c.encode(message, out);
      out.checkNoSpaceLeft();
    } else if (size <= GrpcScratch.SIZE) {
      byte[] scratch = GrpcScratch.array();
      out = CodedOutputStream.newInstance(scratch, 0, size);
      c.encode(message, out);
      out.checkNoSpaceLeft();
      buf.setBytes(index, scratch, 0, size);
    } else {
      out = CodedOutputStream.newInstance(buf.nioBuffer(index, size));
      c.encode(message, out);
      out.checkNoSpaceLeft();
    }
  }

  /** The message gzipped and framed, or null if gzip does not make it smaller. */
  private static ByteBuf compress(ByteBufAllocator alloc, ByteBuf framed) {
    int header = GrpcInbound.HEADER_LENGTH;
    ByteBuf body = framed.slice(framed.readerIndex() + header, framed.readableBytes() - header);
    ByteBuf out = GrpcGzip.gzip(alloc, body, header);
    if (out != null) {
      out.setByte(0, 1).setInt(1, out.readableBytes() - header);
    }
    return out;
  }
}
