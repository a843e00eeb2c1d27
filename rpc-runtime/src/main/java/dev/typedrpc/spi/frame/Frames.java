package dev.typedrpc.spi.frame;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.Metadata;
import dev.typedrpc.spi.ReservedMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/** Encoding and decoding of frame headers and control payloads. Stateless. */
final class Frames {
  static final int METADATA_FIELD = 3;

  private Frames() {}

  static int headerSize(int streamId) {
    return 2 + CodedOutputStream.computeUInt32SizeNoTag(streamId);
  }

  /** Starts a frame: writes type, flags and stream id. */
  static CodedOutputStream begin(ByteBuffer buf, byte type, int flags, int streamId)
      throws IOException {
    CodedOutputStream out = CodedOutputStream.newInstance(buf);
    writeHeader(out, type, flags, streamId);
    return out;
  }

  /** Writes a frame header (type, flags, stream id) at the encoder's position. */
  static void writeHeader(CodedOutputStream out, byte type, int flags, int streamId)
      throws IOException {
    out.write(type);
    out.write((byte) flags);
    out.writeUInt32NoTag(streamId);
  }

  static int entrySize(Metadata.Entry e) {
    return CodedOutputStream.computeStringSize(1, e.key())
        + CodedOutputStream.computeByteArraySize(2, e.value());
  }

  /** Size of a metadata block written as repeated field {@code field}. */
  static int metadataSize(int field, Metadata md) {
    int size = 0;
    List<Metadata.Entry> entries = md.entries(); // random access: no iterator per frame
    for (int i = 0; i < entries.size(); i++) {
      Metadata.Entry e = entries.get(i);
      if (ReservedMetadata.isReserved(e.key())) {
        continue; // never sent from application metadata, as over gRPC
      }
      int n = entrySize(e);
      size +=
          CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(n) + n;
    }
    return size;
  }

  static void writeMetadata(CodedOutputStream out, int field, Metadata md) throws IOException {
    List<Metadata.Entry> entries = md.entries();
    for (int i = 0; i < entries.size(); i++) {
      Metadata.Entry e = entries.get(i);
      if (ReservedMetadata.isReserved(e.key())) {
        continue;
      }
      out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(entrySize(e));
      out.writeString(1, e.key());
      out.writeByteArray(2, e.value());
    }
  }

  /**
   * Reads one metadata entry (the length-delimited field's body) into {@code md}, checking the key.
   * Returns the entry's size, for the caller's running total.
   */
  static int readEntry(CodedInputStream in, Metadata.Builder md) throws IOException {
    int length = in.readRawVarint32();
    int limit = in.pushLimit(length);
    String key = null;
    byte[] value = new byte[0];
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> key = in.readStringRequireUtf8();
        case 2 -> value = in.readByteArray();
        default -> in.skipField(tag);
      }
    }
    in.popLimit(limit);
    if (key == null) {
      throw new IOException("metadata entry without a key");
    }
    try {
      Metadata.checkKey(key);
    } catch (IllegalArgumentException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (!ReservedMetadata.isReserved(key)) { // a peer's reserved keys are not the application's
      md.putRaw(key, value);
    }
    return length;
  }
}
