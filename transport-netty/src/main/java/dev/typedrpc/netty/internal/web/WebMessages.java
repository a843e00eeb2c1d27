package dev.typedrpc.netty.internal.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.grpc.GrpcGzip;
import dev.typedrpc.spi.InvalidJsonException;
import dev.typedrpc.spi.JsonCodec;
import dev.typedrpc.spi.MessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;

/**
 * One message of a web call to and from bytes, in binary protobuf or proto3 JSON ({@link
 * MessageCodec#json()}), gzipped or not. Decoding failures are {@code INVALID_ARGUMENT}, sizes over
 * the limit {@code RESOURCE_EXHAUSTED}, encoding failures {@code INTERNAL}. Stateless.
 */
final class WebMessages {
  private WebMessages() {}

  /**
   * Decodes one message from {@code bytes} (only read), inflating it first if {@code gzip}.
   *
   * @throws RpcException with the status the call fails with
   */
  static Object decode(
      ByteBufAllocator alloc,
      MessageCodec<?> codec,
      boolean json,
      ByteBuf bytes,
      boolean gzip,
      int maxSize,
      String method) {
    ByteBuf plain =
        gzip && bytes.isReadable() ? GrpcGzip.gunzip(alloc, bytes, maxSize, method) : null;
    ByteBuf in = plain != null ? plain : bytes;
    try {
      if (in.readableBytes() > maxSize) {
        throw tooLarge(in.readableBytes(), maxSize, method);
      }
      return json ? decodeJson(codec, in) : decodeProto(codec, in);
    } finally {
      if (plain != null) {
        plain.release();
      }
    }
  }

  private static Object decodeProto(MessageCodec<?> codec, ByteBuf in) {
    try {
      return codec.decode(CodedInputStream.newInstance(in.nioBuffer()), 0);
    } catch (IOException | RuntimeException e) {
      throw Status.INVALID_ARGUMENT
          .withDescription("could not decode a message: " + e.getMessage())
          .asException();
    }
  }

  private static Object decodeJson(MessageCodec<?> codec, ByteBuf in) {
    JsonCodec<?> json = jsonOf(codec);
    if (!in.isReadable()) {
      throw Status.INVALID_ARGUMENT
          .withDescription("could not decode a message: the JSON body is empty")
          .asException();
    }
    try (JsonParser parser =
        JsonCodec.factory()
            .createParser((java.io.InputStream) new ByteBufInputStream(in.duplicate()))) {
      return json.readDocument(parser);
    } catch (IOException | RuntimeException e) {
      String why =
          e instanceof IOException io ? InvalidJsonException.of(io).getMessage() : e.toString();
      throw Status.INVALID_ARGUMENT
          .withDescription("could not decode a JSON message: " + why)
          .asException();
    }
  }

  /**
   * Encodes one message into a pooled buffer the caller owns.
   *
   * @throws RpcException {@code RESOURCE_EXHAUSTED} over {@code maxSize}, {@code INTERNAL} if it
   *     cannot be encoded
   */
  @SuppressWarnings("unchecked")
  static ByteBuf encode(
      ByteBufAllocator alloc,
      MessageCodec<?> codec,
      boolean json,
      Object message,
      int maxSize,
      String method) {
    MessageCodec<Object> c = (MessageCodec<Object>) codec;
    ByteBuf out = null;
    try {
      if (json) {
        out = alloc.buffer();
        try (JsonGenerator gen =
            JsonCodec.factory()
                .createGenerator((java.io.OutputStream) new ByteBufOutputStream(out))) {
          ((JsonCodec<Object>) jsonOf(codec)).write(message, gen, 0);
        }
      } else {
        int size = c.encodedSize(message);
        if (size > maxSize) {
          throw tooLarge(size, maxSize, method);
        }
        out = alloc.buffer(size);
        CodedOutputStream cos = CodedOutputStream.newInstance(out.nioBuffer(0, size));
        c.encode(message, cos);
        cos.checkNoSpaceLeft();
        out.writerIndex(size);
      }
      if (out.readableBytes() > maxSize) {
        throw tooLarge(out.readableBytes(), maxSize, method);
      }
      ByteBuf result = out;
      out = null;
      return result;
    } catch (RpcException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw Status.INTERNAL
          .withDescription("could not encode a message of " + method + ": " + e)
          .withCause(e)
          .asException();
    } finally {
      if (out != null) {
        out.release();
      }
    }
  }

  /** The JSON codec of a message codec; {@code UNIMPLEMENTED} if it has none. */
  static JsonCodec<?> jsonOf(MessageCodec<?> codec) {
    try {
      return codec.json();
    } catch (UnsupportedOperationException e) {
      throw Status.UNIMPLEMENTED
          .withDescription("this method has no JSON form: use the proto encoding")
          .asException();
    }
  }

  private static RpcException tooLarge(long size, int maxSize, String method) {
    return Status.RESOURCE_EXHAUSTED
        .withDescription(
            "message of "
                + size
                + " bytes for "
                + method
                + " exceeds the limit of "
                + maxSize
                + " bytes")
        .asException();
  }
}
