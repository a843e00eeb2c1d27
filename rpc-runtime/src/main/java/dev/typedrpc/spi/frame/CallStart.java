package dev.typedrpc.spi.frame;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.Metadata;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The payload of CALL_START.
 *
 * @param timeoutMicros time left when sent; -1 for no deadline
 * @param metadataTooLarge the metadata block exceeded the receiver's limit (it was not kept)
 */
record CallStart(
    String method, long timeoutMicros, Metadata metadata, int initialCredit, boolean metadataTooLarge) {

  int size() {
    int size = CodedOutputStream.computeStringSize(1, method);
    if (timeoutMicros >= 0) {
      size += CodedOutputStream.computeUInt64Size(2, timeoutMicros);
    }
    size += Frames.metadataSize(Frames.METADATA_FIELD, metadata);
    if (initialCredit > 0) {
      size += CodedOutputStream.computeUInt32Size(4, initialCredit);
    }
    return size;
  }

  void write(CodedOutputStream out) throws IOException {
    out.writeString(1, method);
    if (timeoutMicros >= 0) {
      out.writeUInt64(2, timeoutMicros);
    }
    Frames.writeMetadata(out, Frames.METADATA_FIELD, metadata);
    if (initialCredit > 0) {
      out.writeUInt32(4, initialCredit);
    }
  }

  static CallStart read(ByteBuffer payload, int maxMetadataSize) throws ProtocolException {
    String method = null;
    long timeout = -1;
    int credit = 0;
    int metadataBytes = 0;
    boolean tooLarge = false;
    Metadata.Builder md = Metadata.builder();
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
    return new CallStart(method, timeout, tooLarge ? Metadata.EMPTY : md.build(), credit, tooLarge);
  }
}
