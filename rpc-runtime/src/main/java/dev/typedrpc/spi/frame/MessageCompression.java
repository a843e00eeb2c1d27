package dev.typedrpc.spi.frame;

import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Per-message gzip of the frame protocol ({@code docs/COMPRESSION.md}): the encoding names, the
 * {@code grpc-encoding} metadata key that carries a call's encoding in CALL_START and HEADERS, and
 * bounded compression and decompression with {@link java.util.zip}.
 */
final class MessageCompression {
  static final String GZIP = "gzip";
  static final String IDENTITY = "identity";

  /** The metadata key naming the encoding of a call's compressed messages, as in gRPC. */
  static final String ENCODING_KEY = "grpc-encoding";

  private MessageCompression() {}

  /**
   * The encoding a {@code grpc-encoding} value names: {@link #GZIP}, or null for none or identity.
   *
   * @throws ProtocolException {@code UNIMPLEMENTED} for any other encoding
   */
  static String parse(Metadata metadata) throws ProtocolException {
    String value = metadata.get(ENCODING_KEY);
    if (value == null || value.equalsIgnoreCase(IDENTITY)) {
      return null;
    }
    if (value.equalsIgnoreCase(GZIP)) {
      return GZIP;
    }
    throw ProtocolException.stream(
        Status.UNIMPLEMENTED.withDescription(
            "grpc-encoding '" + value + "' is not supported (gzip is)"));
  }

  /** {@code bytes[0..length)} gzipped; null if that is not smaller (the message goes as it is). */
  static byte[] gzip(byte[] bytes, int length) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, length / 4));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 4096)) {
      gz.write(bytes, 0, length);
    }
    return out.size() < length ? out.toByteArray() : null;
  }

  /**
   * A gzipped message inflated, never to more than {@code maxSize} bytes: memory stays bounded
   * whatever the compressed bytes claim.
   *
   * @return the inflated bytes, from the buffer's position to its limit
   * @throws ProtocolException {@code RESOURCE_EXHAUSTED} past {@code maxSize}, {@code INTERNAL} if
   *     the bytes are not gzip
   */
  static ByteBuffer gunzip(byte[] in, int offset, int length, int maxSize, String method)
      throws ProtocolException {
    byte[] out = new byte[Math.min(maxSize, Math.max(256, length * 4))];
    int n = 0;
    try (InputStream gz = new GZIPInputStream(new ByteArrayInputStream(in, offset, length), 4096)) {
      while (true) {
        if (n == out.length) {
          if (n >= maxSize) {
            if (gz.read() < 0) {
              break; // exactly maxSize bytes
            }
            throw ProtocolException.stream(
                Status.RESOURCE_EXHAUSTED.withDescription(
                    "compressed message for "
                        + method
                        + " inflates past the limit of "
                        + maxSize
                        + " bytes"));
          }
          out = Arrays.copyOf(out, (int) Math.min(maxSize, out.length * 2L));
        }
        int r = gz.read(out, n, out.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
    } catch (IOException e) {
      throw ProtocolException.stream(
          Status.INTERNAL.withDescription(
              "could not decompress a gzip message for " + method + ": " + e.getMessage()));
    }
    return ByteBuffer.wrap(out, 0, n);
  }
}
