package dev.typedrpc.services.health;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.typedrpc.spi.MessageCodec;
import java.io.IOException;

/**
 * The two messages of {@code health.proto}, read and written by hand (they have one field each):
 * {@code HealthCheckRequest { string service = 1; }} as its service name, {@code
 * HealthCheckResponse { ServingStatus status = 1; }} as its status.
 */
final class HealthCodecs {
  private static final int SERVICE_TAG = (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
  private static final int STATUS_TAG = (1 << 3) | WireFormat.WIRETYPE_VARINT;

  private HealthCodecs() {}

  /** {@code HealthCheckRequest}: the service name, {@code ""} for the whole server. */
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

  /** {@code HealthCheckResponse}: the status ({@code UNKNOWN}, number 0, is not written). */
  static final MessageCodec<ServingStatus> RESPONSE =
      new MessageCodec<>() {
        @Override
        public int encodedSize(ServingStatus status) {
          return status.number() == 0 ? 0 : CodedOutputStream.computeEnumSize(1, status.number());
        }

        @Override
        public void encode(ServingStatus status, CodedOutputStream out) throws IOException {
          if (status.number() != 0) {
            out.writeEnum(1, status.number());
          }
        }

        @Override
        public ServingStatus decode(CodedInputStream in, int depth) throws IOException {
          ServingStatus status = ServingStatus.UNKNOWN;
          for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == STATUS_TAG) {
              status = ServingStatus.forNumber(in.readEnum());
            } else if (!in.skipField(tag)) {
              break;
            }
          }
          return status;
        }
      };
}
