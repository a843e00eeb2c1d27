package dev.typedrpc.netty.internal.web;

import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.base64.Base64;
import io.netty.handler.codec.base64.Base64Dialect;

/**
 * The base64 of gRPC-Web's text form. A body may be several padded base64 pieces one after another
 * (a client encodes each write on its own), so a request is decoded piece by piece, each ending
 * where its padding does. Stateless.
 */
final class WebText {
  private WebText() {}

  /** {@code binary} (released) in base64 with padding, as a new buffer. */
  static ByteBuf encode(ByteBuf binary) {
    try {
      return Base64.encode(binary, false, Base64Dialect.STANDARD);
    } finally {
      binary.release();
    }
  }

  /**
   * A text body (only read) decoded into a new buffer the caller owns.
   *
   * @throws RpcException {@code INVALID_ARGUMENT} if it is not base64
   */
  static ByteBuf decode(ByteBufAllocator alloc, ByteBuf text) {
    ByteBuf out = alloc.buffer(text.readableBytes() * 3 / 4 + 3);
    try {
      int start = text.readerIndex();
      int end = text.writerIndex();
      int i = start;
      while (i < end) {
        byte c = text.getByte(i);
        if (c == '\r' || c == '\n' || c == ' ' || c == '\t') {
          i++;
          continue;
        }
        if (!valid(c)) {
          throw invalid();
        }
        i++;
        if (c == '=') {
          while (i < end && text.getByte(i) == '=') {
            i++;
          }
          piece(text, start, i, out);
          start = i;
        }
      }
      piece(text, start, end, out);
      ByteBuf result = out;
      out = null;
      return result;
    } finally {
      if (out != null) {
        out.release();
      }
    }
  }

  private static void piece(ByteBuf text, int from, int to, ByteBuf out) {
    if (from >= to) {
      return;
    }
    String s = text.toString(from, to - from, java.nio.charset.StandardCharsets.US_ASCII).strip();
    if (s.isEmpty()) {
      return;
    }
    try {
      out.writeBytes(java.util.Base64.getMimeDecoder().decode(s));
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
  }

  private static boolean valid(byte c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '+'
        || c == '/'
        || c == '=';
  }

  private static RpcException invalid() {
    return Status.INVALID_ARGUMENT
        .withDescription("the grpc-web-text body is not base64")
        .asException();
  }
}
