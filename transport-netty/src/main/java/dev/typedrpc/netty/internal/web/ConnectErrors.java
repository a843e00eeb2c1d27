package dev.typedrpc.netty.internal.web;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.spi.JsonCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Connect's error model (connectrpc.com/docs/protocol, "Error Codes" and "Error and End-Stream"):
 * the code names, their HTTP statuses, the JSON error body of a unary response and the JSON of a
 * stream's end. Stateless.
 */
public final class ConnectErrors {
  private ConnectErrors() {}

  /** The Connect name of a code: {@code not_found}; {@code canceled} for CANCELLED. */
  public static String codeName(Status.Code code) {
    return code == Status.Code.CANCELLED ? "canceled" : code.name().toLowerCase(Locale.ROOT);
  }

  /** The HTTP status a unary error with this code carries (the protocol's table). */
  public static int httpStatus(Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case CANCELLED -> 499;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case DEADLINE_EXCEEDED -> 504;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case PERMISSION_DENIED -> 403;
      case RESOURCE_EXHAUSTED -> 429;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case UNAUTHENTICATED -> 401;
      default -> 500; // UNKNOWN, INTERNAL, DATA_LOSS
    };
  }

  /** The JSON body of a unary error: {@code {"code":"not_found","message":"..."}}. */
  public static byte[] errorBody(Status status) {
    return errorBody(status, Metadata.EMPTY);
  }

  /**
   * The JSON body of a unary error, with the {@code details} of a {@code grpc-status-details-bin}
   * trailer (a {@code google.rpc.Status}) when {@code trailers} carry one.
   */
  public static byte[] errorBody(Status status, Metadata trailers) {
    return json(out -> writeError(out, status, trailers));
  }

  /**
   * The JSON of an EndStreamResponse: {@code {"error":{...},"metadata":{"k":["v"]}}}, the error
   * left out when the status is OK, the metadata when there is none.
   */
  public static byte[] endStream(Status status, Metadata trailers) {
    return json(
        out -> {
          out.writeStartObject();
          if (status.code() != Status.Code.OK) {
            out.writeFieldName("error");
            writeError(out, status, trailers);
          }
          Map<String, List<String>> md = asMap(trailers);
          if (!md.isEmpty()) {
            out.writeObjectFieldStart("metadata");
            for (Map.Entry<String, List<String>> e : md.entrySet()) {
              out.writeArrayFieldStart(e.getKey());
              for (String v : e.getValue()) {
                out.writeString(v);
              }
              out.writeEndArray();
            }
            out.writeEndObject();
          }
          out.writeEndObject();
        });
  }

  private static void writeError(JsonGenerator out, Status status, Metadata trailers)
      throws IOException {
    out.writeStartObject();
    out.writeStringField("code", codeName(status.code()));
    if (status.description() != null && !status.description().isEmpty()) {
      out.writeStringField("message", status.description());
    }
    byte[] details = trailers.getBinary(StatusDetails.KEY);
    if (details != null) {
      List<StatusDetails.Detail> list = StatusDetails.parse(details);
      if (!list.isEmpty()) {
        out.writeArrayFieldStart("details");
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        for (StatusDetails.Detail d : list) {
          out.writeStartObject();
          out.writeStringField("type", d.type());
          out.writeStringField("value", base64.encodeToString(d.value().toByteArray()));
          out.writeEndObject();
        }
        out.writeEndArray();
      }
    }
    out.writeEndObject();
  }

  /** Metadata as header values: binary values in unpadded base64, the protocol's form. */
  static Map<String, List<String>> asMap(Metadata metadata) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Metadata.Entry e : metadata.entries()) {
      if (!WebHeaders.sendable(e.key())) {
        continue;
      }
      String value =
          e.isBinary()
              ? Base64.getEncoder().withoutPadding().encodeToString(e.value())
              : new String(e.value(), StandardCharsets.ISO_8859_1);
      out.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  private interface Writer {
    void write(JsonGenerator out) throws IOException;
  }

  private static byte[] json(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (JsonGenerator out = JsonCodec.factory().createGenerator(bytes)) {
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
