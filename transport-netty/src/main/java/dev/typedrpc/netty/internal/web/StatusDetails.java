package dev.typedrpc.netty.internal.web;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The details of a {@code grpc-status-details-bin} trailer: a serialized {@code google.rpc.Status}
 * whose field 3 holds {@code google.protobuf.Any} messages ({@code type_url} 1, {@code value} 2),
 * read as Connect's error {@code details} need them. Stateless.
 */
final class StatusDetails {
  /** The trailer gRPC carries a {@code google.rpc.Status} in. */
  static final String KEY = "grpc-status-details-bin";

  /** At most this many details are read; the rest are left out. */
  private static final int MAX_DETAILS = 64;

  /**
   * One detail: its fully qualified message name ({@code google.protobuf.StringValue}) and
   * serialized value.
   */
  record Detail(String type, ByteString value) {}

  private StatusDetails() {}

  /**
   * The details {@code status} holds; empty when it is not a well-formed {@code google.rpc.Status}
   * (a trailer the application wrote wrongly must not fail the error it goes with).
   */
  static List<Detail> parse(byte[] status) {
    List<Detail> out = new ArrayList<>();
    try {
      CodedInputStream in = CodedInputStream.newInstance(status);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == ((3 << 3) | 2) && out.size() < MAX_DETAILS) {
          Detail d = any(in.readByteArray());
          if (d != null) {
            out.add(d);
          }
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return out;
  }

  private static Detail any(byte[] bytes) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(bytes);
    String typeUrl = "";
    ByteString value = ByteString.EMPTY;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (1 << 3) | 2 -> typeUrl = in.readStringRequireUtf8();
        case (2 << 3) | 2 -> value = in.readBytes();
        default -> {
          if (!in.skipField(tag)) {
            return null;
          }
        }
      }
    }
    String type = typeUrl.substring(typeUrl.lastIndexOf('/') + 1);
    return type.isEmpty() ? null : new Detail(type, value);
  }
}
