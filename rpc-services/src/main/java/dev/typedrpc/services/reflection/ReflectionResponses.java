package dev.typedrpc.services.reflection;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.typedrpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Answers one {@code ServerReflectionRequest} from a {@link SchemaIndex}, as gRPC's reflection
 * services do: the file asked for (by name, or the one defining a symbol) with its dependencies,
 * the list of services, an empty list of extension numbers for a known message (typedrpc schemas
 * define no extensions), or an {@code ErrorResponse} ({@code NOT_FOUND} for unknown names, {@code
 * UNIMPLEMENTED} for a request without a case). Each answer echoes the request and its host.
 */
final class ReflectionResponses {
  private final SchemaIndex index;

  ReflectionResponses(SchemaIndex index) {
    this.index = index;
  }

  /** The encoded {@code ServerReflectionResponse} to {@code request}. */
  byte[] answer(ReflectionRequest request) {
    return switch (request.kind()) {
      case ReflectionRequest.FILE_BY_FILENAME ->
          files(request, index.fileWithDependencies(request.argument()), "file");
      case ReflectionRequest.FILE_CONTAINING_SYMBOL -> {
        String file = index.fileOf(stripDot(request.argument()));
        yield files(request, file == null ? List.of() : index.fileWithDependencies(file), "symbol");
      }
      case ReflectionRequest.ALL_EXTENSION_NUMBERS_OF_TYPE -> {
        String type = stripDot(request.argument());
        yield index.isMessage(type)
            ? response(request, 5, extensionNumbers(type))
            : error(request, Status.Code.NOT_FOUND, "unknown type " + request.argument());
      }
      case ReflectionRequest.FILE_CONTAINING_EXTENSION ->
          error(
              request,
              Status.Code.NOT_FOUND,
              "no extension "
                  + request.extensionNumber()
                  + " of "
                  + request.argument()
                  + ": typedrpc schemas define no extensions");
      case ReflectionRequest.LIST_SERVICES -> response(request, 6, serviceList());
      default -> error(request, Status.Code.UNIMPLEMENTED, "no request case set");
    };
  }

  private static String stripDot(String name) {
    return name.startsWith(".") ? name.substring(1) : name;
  }

  private byte[] files(ReflectionRequest request, List<ByteString> files, String what) {
    if (files.isEmpty()) {
      return error(request, Status.Code.NOT_FOUND, "unknown " + what + " " + request.argument());
    }
    return response(
        request,
        4,
        out -> {
          for (ByteString file : files) {
            out.writeBytes(1, file);
          }
        });
  }

  private static Body extensionNumbers(String type) {
    return out -> out.writeString(1, type);
  }

  private Body serviceList() {
    return out -> {
      for (String name : index.services()) {
        out.writeTag(1, 2);
        out.writeUInt32NoTag(CodedOutputStream.computeStringSize(1, name));
        out.writeString(1, name);
      }
    };
  }

  private static byte[] error(ReflectionRequest request, Status.Code code, String message) {
    return response(
        request,
        7,
        out -> {
          out.writeInt32(1, code.value());
          out.writeString(2, message);
        });
  }

  /** Writes the fields of one nested message. */
  private interface Body {
    void write(CodedOutputStream out) throws IOException;
  }

  /**
   * {@code valid_host}, {@code original_request} and the case {@code field} holding {@code body}.
   */
  private static byte[] response(ReflectionRequest request, int field, Body body) {
    try {
      byte[] inner = bytes(body);
      byte[] original = ReflectionRequest.CODEC.toByteArray(request);
      return bytes(
          out -> {
            if (!request.host().isEmpty()) {
              out.writeString(1, request.host());
            }
            out.writeByteArray(2, original);
            out.writeByteArray(field, inner);
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(Body body) throws IOException {
    ByteString.Output buffer = ByteString.newOutput();
    CodedOutputStream out = CodedOutputStream.newInstance(buffer);
    body.write(out);
    out.flush();
    return buffer.toByteString().toByteArray();
  }
}
