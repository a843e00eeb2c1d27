package dev.typedrpc.it;

import dev.typedrpc.annotations.Field;
import java.util.List;

/**
 * The messages of {@code grpc/testing/messages.proto} (grpc-interop-testing 1.79.0) that the
 * interop cases use, Java-first, with the proto's field numbers. Enums ({@code PayloadType}) travel
 * as their int32 number; fields the cases never set (ORCA reports, server ids) are left out and
 * skipped as unknown fields.
 */
final class InteropMessages {
  private InteropMessages() {}

  /** {@code grpc.testing.BoolValue} (not google.protobuf's). */
  record BoolValue(boolean value) {}

  /** {@code grpc.testing.Payload}: 1 type (PayloadType, always COMPRESSABLE = 0), 2 body. */
  @SuppressWarnings("ArrayRecordComponent") // proto bytes; never compared or hashed
  record Payload(int type, byte[] body) {
    static Payload zeros(int size) {
      return new Payload(0, new byte[size]);
    }
  }

  /** {@code grpc.testing.EchoStatus}. */
  record EchoStatus(int code, String message) {}

  /** {@code grpc.testing.SimpleRequest}, fields 1 to 8. */
  record SimpleRequest(
      int responseType,
      int responseSize,
      Payload payload,
      boolean fillUsername,
      boolean fillOauthScope,
      BoolValue responseCompressed,
      EchoStatus responseStatus,
      BoolValue expectCompressed) {}

  /** {@code grpc.testing.SimpleResponse}: only its payload is ever set here. */
  record SimpleResponse(Payload payload) {}

  /** {@code grpc.testing.StreamingInputCallRequest}. */
  record StreamingInputCallRequest(Payload payload, BoolValue expectCompressed) {}

  /** {@code grpc.testing.StreamingInputCallResponse}. */
  record StreamingInputCallResponse(int aggregatedPayloadSize) {}

  /** {@code grpc.testing.ResponseParameters}. */
  record ResponseParameters(int size, int intervalUs, BoolValue compressed) {}

  /**
   * {@code grpc.testing.StreamingOutputCallRequest}: fields 1, 2, 3 and 7 (4 to 6 do not exist).
   */
  record StreamingOutputCallRequest(
      int responseType,
      List<ResponseParameters> responseParameters,
      Payload payload,
      @Field(7) EchoStatus responseStatus) {}

  /** {@code grpc.testing.StreamingOutputCallResponse}. */
  record StreamingOutputCallResponse(Payload payload) {}
}
