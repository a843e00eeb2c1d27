package dev.typedrpc.spi.frame;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The payload of STATUS and CANCEL: a status code, its message, and (STATUS only) trailers. It
 * writes itself into its frame (no writer object per frame).
 */
record StatusFrame(Status status, Metadata trailers) implements FrameBatcher.PayloadWriter {

  private String message() {
    return status.description() == null ? "" : status.description();
  }

  int size() {
    int size = 0;
    if (status.code().value() != 0) {
      size += CodedOutputStream.computeUInt32Size(1, status.code().value());
    }
    if (status.description() != null) {
      size += CodedOutputStream.computeStringSize(2, message());
    }
    return size + Frames.metadataSize(3, trailers);
  }

  @Override
  public void write(CodedOutputStream out) throws IOException {
    if (status.code().value() != 0) {
      out.writeUInt32(1, status.code().value());
    }
    if (status.description() != null) {
      out.writeString(2, message());
    }
    Frames.writeMetadata(out, 3, trailers);
  }

  static StatusFrame read(ByteBuffer payload, int maxMetadataSize) throws ProtocolException {
    int code = 0;
    String message = null;
    Metadata.Builder md = null; // created by the first entry: most statuses carry no trailers
    int metadataBytes = 0;
    try {
      CodedInputStream in = CodedInputStream.newInstance(payload);
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> code = in.readUInt32();
          case 2 -> message = in.readStringRequireUtf8();
          case 3 -> {
            if (md == null) {
              md = Metadata.builder();
            }
            metadataBytes += Frames.readEntry(in, md);
            if (metadataBytes > maxMetadataSize) {
              throw ProtocolException.connection(
                  "trailers exceed the limit of " + maxMetadataSize + " bytes");
            }
          }
          default -> in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw ProtocolException.connection("malformed STATUS or CANCEL: " + e.getMessage());
    }
    return new StatusFrame(
        Status.fromCode(code, message), md == null ? Metadata.EMPTY : md.build());
  }
}
