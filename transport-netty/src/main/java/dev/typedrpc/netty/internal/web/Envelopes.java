package dev.typedrpc.netty.internal.web;

import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/**
 * The 5-byte envelopes of Connect streaming and gRPC-Web (flags, uint32 length, message). Flag 0x01
 * marks a compressed message; 0x02 Connect's end of stream, 0x80 gRPC-Web's trailers (both only in
 * responses). Stateless.
 */
final class Envelopes {
  static final int HEADER = 5;
  static final int COMPRESSED = 0x01;
  static final int CONNECT_END = 0x02;
  static final int GRPC_WEB_TRAILERS = 0x80;

  private Envelopes() {}

  /** One envelope of a request. {@code payload} is a slice of the body (not retained). */
  record Envelope(boolean compressed, ByteBuf payload) {}

  /**
   * Splits a whole request body into its envelopes, each checked against {@code maxSize}.
   *
   * @throws RpcException {@code INVALID_ARGUMENT} for bad framing or flags, {@code
   *     RESOURCE_EXHAUSTED} for a message over the limit
   */
  static List<Envelope> split(
      ByteBuf body, boolean compressionDeclared, int maxSize, String method) {
    List<Envelope> out = new ArrayList<>(1);
    int i = body.readerIndex();
    int end = body.writerIndex();
    while (i < end) {
      if (end - i < HEADER) {
        throw malformed("the body ends inside an envelope's 5-byte prefix");
      }
      int flags = body.getUnsignedByte(i);
      long length = body.getUnsignedInt(i + 1);
      if ((flags & ~COMPRESSED) != 0) {
        throw malformed(
            "a request envelope has flags " + flags + " (only 0x01, compressed, is allowed)");
      }
      if (length > maxSize) {
        throw Status.RESOURCE_EXHAUSTED
            .withDescription(
                "message of "
                    + length
                    + " bytes for "
                    + method
                    + " exceeds the limit of "
                    + maxSize
                    + " bytes")
            .asException();
      }
      if (end - i - HEADER < length) {
        throw malformed(
            "the body ends inside a message (an envelope declares " + length + " bytes)");
      }
      boolean compressed = (flags & COMPRESSED) != 0;
      if (compressed && !compressionDeclared) {
        throw malformed("a message is flagged compressed, but the request declares no encoding");
      }
      out.add(new Envelope(compressed, body.slice(i + HEADER, (int) length)));
      i += HEADER + (int) length;
    }
    return out;
  }

  /** An envelope around {@code payload} (released): a new pooled buffer the caller owns. */
  static ByteBuf wrap(ByteBufAllocator alloc, int flags, ByteBuf payload) {
    try {
      ByteBuf out = alloc.buffer(HEADER + payload.readableBytes());
      out.writeByte(flags).writeInt(payload.readableBytes()).writeBytes(payload);
      return out;
    } finally {
      payload.release();
    }
  }

  private static RpcException malformed(String why) {
    return Status.INVALID_ARGUMENT.withDescription("malformed envelope: " + why).asException();
  }
}
