package dev.typedrpc.spi.frame;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.Metadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The payload of CALL_START.
 *
 * @param timeoutMicros time left when sent; -1 for no deadline
 * @param metadataTooLarge the metadata block exceeded the receiver's limit (it was not kept)
 */
record CallStart(
    String method,
    long timeoutMicros,
    Metadata metadata,
    int initialCredit,
    boolean metadataTooLarge) {

  /**
   * The UTF-8 form of the method name last sent or received on one connection (calls repeat their
   * methods), so that neither end encodes or decodes the name per call. Confined to the
   * connection's executor.
   */
  static final class MethodNames {
    private String name;
    private byte[] utf8;

    /** The UTF-8 bytes of {@code method}. */
    byte[] encode(String method) {
      if (!method.equals(name)) {
        utf8 = method.getBytes(StandardCharsets.UTF_8);
        name = method;
      }
      return utf8;
    }

    /**
     * The method name at the payload's position if it is field 1 and equals the last one; the
     * position then moves past it. Else null, the position unchanged.
     */
    String match(ByteBuffer payload) {
      byte[] last = utf8;
      int p = payload.position();
      if (last == null
          || last.length > 127
          || payload.remaining() < 2 + last.length
          || payload.get(p) != 0x0a // field 1, length-delimited
          || payload.get(p + 1) != last.length) {
        return null;
      }
      if (payload.hasArray()) {
        int from = payload.arrayOffset() + p + 2;
        if (!Arrays.equals(payload.array(), from, from + last.length, last, 0, last.length)) {
          return null;
        }
      } else { // a large frame is read where it lies, often outside the heap
        for (int i = 0; i < last.length; i++) {
          if (payload.get(p + 2 + i) != last[i]) {
            return null;
          }
        }
      }
      payload.position(p + 2 + last.length);
      return name;
    }

    void received(String method) {
      if (!method.equals(name)) {
        name = method;
        utf8 = method.getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  /**
   * The timeout in nanoseconds, saturating at {@link Long#MAX_VALUE} where {@code timeoutMicros *
   * 1000} would overflow (a peer may send any uint64). Only for a start with a deadline ({@code
   * timeoutMicros >= 0}).
   */
  long timeoutNanos() {
    return timeoutMicros > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : timeoutMicros * 1000;
  }

  int size(byte[] methodUtf8) {
    int size = CodedOutputStream.computeByteArraySize(1, methodUtf8);
    if (timeoutMicros >= 0) {
      size += CodedOutputStream.computeUInt64Size(2, timeoutMicros);
    }
    size += Frames.metadataSize(Frames.METADATA_FIELD, metadata);
    if (initialCredit > 0) {
      size += CodedOutputStream.computeUInt32Size(4, initialCredit);
    }
    return size;
  }

  void write(CodedOutputStream out, byte[] methodUtf8) throws IOException {
    out.writeByteArray(1, methodUtf8); // the same bytes as writeString(1, method)
    if (timeoutMicros >= 0) {
      out.writeUInt64(2, timeoutMicros);
    }
    Frames.writeMetadata(out, Frames.METADATA_FIELD, metadata);
    if (initialCredit > 0) {
      out.writeUInt32(4, initialCredit);
    }
  }

  static CallStart read(ByteBuffer payload, int maxMetadataSize, MethodNames names)
      throws ProtocolException {
    String method =
        names.match(payload); // the usual case: the same method as before, not decoded again
    long timeout = -1;
    int credit = 0;
    int metadataBytes = 0;
    boolean tooLarge = false;
    Metadata.Builder md = null; // created by the first entry: most calls carry none
    try {
      CodedInputStream in = CodedInputStream.newInstance(payload);
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> method = in.readStringRequireUtf8();
          case 2 -> timeout = in.readUInt64();
          case 3 -> {
            if (tooLarge) {
              in.skipField(tag);
            } else {
              if (md == null) {
                md = Metadata.builder();
              }
              metadataBytes += Frames.readEntry(in, md);
              tooLarge = metadataBytes > maxMetadataSize;
            }
          }
          case 4 -> credit = in.readUInt32();
          default -> in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw ProtocolException.connection("malformed CALL_START: " + e.getMessage());
    }
    if (method == null || method.isEmpty()) {
      throw ProtocolException.connection("CALL_START without a method");
    }
    if (timeout < -1) {
      throw ProtocolException.connection("CALL_START with a negative timeout");
    }
    if (credit < 0) {
      throw ProtocolException.connection("CALL_START with initial_credit over 2^31-1");
    }
    names.received(method);
    return new CallStart(
        method, timeout, tooLarge || md == null ? Metadata.EMPTY : md.build(), credit, tooLarge);
  }
}
