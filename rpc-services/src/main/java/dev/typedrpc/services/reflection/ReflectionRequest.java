package dev.typedrpc.services.reflection;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;

/**
 * A {@code ServerReflectionRequest}: {@code host} (1) and one case of the {@code message_request}
 * oneof, {@code file_by_filename} (3), {@code file_containing_symbol} (4), {@code
 * file_containing_extension} (5: an {@code ExtensionRequest}), {@code
 * all_extension_numbers_of_type} (6) or {@code list_services} (7).
 *
 * @param kind the field number of the case, 0 if none
 * @param argument the case's string, or the extension's {@code containing_type}
 * @param extensionNumber the extension's {@code extension_number} for case 5
 */
record ReflectionRequest(String host, int kind, String argument, int extensionNumber) {
  static final int FILE_BY_FILENAME = 3;
  static final int FILE_CONTAINING_SYMBOL = 4;
  static final int FILE_CONTAINING_EXTENSION = 5;
  static final int ALL_EXTENSION_NUMBERS_OF_TYPE = 6;
  static final int LIST_SERVICES = 7;

  /** Reads and writes the message (the request is echoed in each response). */
  static final MessageCodec<ReflectionRequest> CODEC =
      new MessageCodec<>() {
        @Override
        public int encodedSize(ReflectionRequest r) {
          int size = r.host.isEmpty() ? 0 : CodedOutputStream.computeStringSize(1, r.host);
          if (r.kind == FILE_CONTAINING_EXTENSION) {
            size += CodedOutputStream.computeUInt32Size(r.kind, extensionSize(r));
            size += extensionSize(r);
          } else if (r.kind != 0) {
            size += CodedOutputStream.computeStringSize(r.kind, r.argument);
          }
          return size;
        }

        @Override
        public void encode(ReflectionRequest r, CodedOutputStream out) throws IOException {
          if (!r.host.isEmpty()) {
            out.writeString(1, r.host);
          }
          if (r.kind == FILE_CONTAINING_EXTENSION) {
            out.writeTag(r.kind, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(extensionSize(r));
            if (!r.argument.isEmpty()) {
              out.writeString(1, r.argument);
            }
            if (r.extensionNumber != 0) {
              out.writeInt32(2, r.extensionNumber);
            }
          } else if (r.kind != 0) {
            out.writeString(r.kind, r.argument);
          }
        }

        @Override
        public ReflectionRequest decode(CodedInputStream in, int depth) throws IOException {
          String host = "";
          int kind = 0;
          String argument = "";
          int extensionNumber = 0;
          for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            boolean delimited =
                WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            if (field == 1 && delimited) {
              host = in.readStringRequireUtf8();
            } else if (field == FILE_CONTAINING_EXTENSION && delimited) {
              kind = field;
              int limit = in.pushLimit(in.readRawVarint32());
              argument = "";
              extensionNumber = 0;
              for (int t = in.readTag(); t != 0; t = in.readTag()) {
                if (t == ((1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                  argument = in.readStringRequireUtf8();
                } else if (t == ((2 << 3) | WireFormat.WIRETYPE_VARINT)) {
                  extensionNumber = in.readInt32();
                } else if (!in.skipField(t)) {
                  break;
                }
              }
              in.popLimit(limit);
            } else if (field >= FILE_BY_FILENAME && field <= LIST_SERVICES && delimited) {
              kind = field;
              argument = in.readStringRequireUtf8();
            } else if (!in.skipField(tag)) {
              break;
            }
          }
          return new ReflectionRequest(host, kind, argument, extensionNumber);
        }
      };

  private static int extensionSize(ReflectionRequest r) {
    return (r.argument.isEmpty() ? 0 : CodedOutputStream.computeStringSize(1, r.argument))
        + (r.extensionNumber == 0 ? 0 : CodedOutputStream.computeInt32Size(2, r.extensionNumber));
  }
}
