package dev.typedrpc.netty.internal.grpc;

import dev.typedrpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * gzip of single messages into pooled buffers, for gRPC and the web protocols: inflation never goes
 * beyond the message size limit, whatever the compressed bytes claim. Stateless.
 */
public final class GrpcGzip {
  private GrpcGzip() {}

  /**
   * Inflates a gzip message into a pooled buffer the caller owns; {@code compressed} is only read.
   *
   * @throws dev.typedrpc.RpcException {@code RESOURCE_EXHAUSTED} past {@code maxSize}, {@code
   *     INTERNAL} if the bytes are not gzip
   */
  public static ByteBuf gunzip(
      ByteBufAllocator alloc, ByteBuf compressed, int maxSize, String method) {
    ByteBuf out = alloc.buffer();
    try (InputStream in = new GZIPInputStream(new ByteBufInputStream(compressed.duplicate()))) {
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) != -1) {
        if (out.readableBytes() + n > maxSize) {
          throw Status.RESOURCE_EXHAUSTED
              .withDescription(
                  "decompressed message for "
                      + method
                      + " exceeds the limit of "
                      + maxSize
                      + " bytes")
              .asException();
        }
        out.writeBytes(chunk, 0, n);
      }
      ByteBuf result = out;
      out = null;
      return result;
    } catch (IOException e) {
      throw Status.INTERNAL
          .withDescription("could not decompress a gzip message: " + e.getMessage())
          .asException();
    } finally {
      if (out != null) {
        out.release();
      }
    }
  }

  /**
   * {@code plain}'s readable bytes gzipped into a pooled buffer the caller owns, or null if gzip
   * does not make them smaller; {@code plain} is only read.
   */
  public static ByteBuf gzip(ByteBufAllocator alloc, ByteBuf plain) {
    ByteBuf out = alloc.buffer();
    try {
      try (GZIPOutputStream gz = new GZIPOutputStream(new ByteBufOutputStream(out))) {
        plain.getBytes(plain.readerIndex(), gz, plain.readableBytes());
      }
      if (out.readableBytes() >= plain.readableBytes()) {
        return null;
      }
      ByteBuf result = out;
      out = null;
      return result;
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("could not gzip a message: " + e).asException();
    } finally {
      if (out != null) {
        out.release();
      }
    }
  }
}
