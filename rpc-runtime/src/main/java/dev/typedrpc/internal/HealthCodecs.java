package dev.typedrpc.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.CallKind;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;

/**
 * The client side of {@code grpc.health.v1.Health/Watch} for health-checking load balancing, with
 * the two messages of {@code health.proto} read and written by hand (one field each), so that the
 * runtime needs no health module: {@code HealthCheckRequest { string service = 1; }} as its service
 * name, {@code HealthCheckResponse { ServingStatus status = 1; }} as the status's number.
 */
final class HealthCodecs {
  /** {@code ServingStatus.SERVING}. */
  static final int SERVING = 1;

  private static final int SERVICE_TAG = (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int STATUS_TAG = (1 << 3) | WireFormat.WIRETYPE_VARINT;

  private HealthCodecs() {}

  static final MessageCodec<String> REQUEST =
      new MessageCodec<>() {
        @Override
        public int encodedSize(String service) {
          return service.isEmpty() ? 0 : CodedOutputStream.computeStringSize(1, service);
        }

        @Override
        public void encode(String service, CodedOutputStream out) throws IOException {
          if (!service.isEmpty()) {
            out.writeString(1, service);
          }
        }

        @Override
        public String decode(CodedInputStream in, int depth) throws IOException {
          String service = "";
          for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == SERVICE_TAG) {
              service = in.readStringRequireUtf8();
            } else if (!in.skipField(tag)) {
              break;
            }
          }
          return service;
        }
      };

  static final MessageCodec<Integer> RESPONSE =
      new MessageCodec<>() {
        @Override
        public int encodedSize(Integer status) {
          return status == 0 ? 0 : CodedOutputStream.computeEnumSize(1, status);
        }

        @Override
        public void encode(Integer status, CodedOutputStream out) throws IOException {
          if (status != 0) {
            out.writeEnum(1, status);
          }
        }

        @Override
        public Integer decode(CodedInputStream in, int depth) throws IOException {
          int status = 0;
          for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == STATUS_TAG) {
              status = in.readEnum();
            } else if (!in.skipField(tag)) {
              break;
            }
          }
          return status;
        }
      };

  /** {@code Watch}: the status at once, then every change. */
  static final MethodDescriptor<String, Integer> WATCH =
      MethodDescriptor.of(
          "grpc.health.v1.Health", "Watch", CallKind.SERVER_STREAMING, REQUEST, RESPONSE);
}
