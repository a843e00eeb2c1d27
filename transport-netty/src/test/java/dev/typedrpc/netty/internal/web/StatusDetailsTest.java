package dev.typedrpc.netty.internal.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * Error details (a {@code google.rpc.Status} in {@code grpc-status-details-bin}, as gRPC carries
 * them) in Connect's JSON error and in gRPC-Web's trailers.
 */
class StatusDetailsTest {
  private static final byte[] VALUE = {10, 2, 'h', 'i'}; // google.protobuf.StringValue "hi"

  @Test
  void connectErrorsCarryEachDetailWithItsTypeAndBase64Value() {
    Metadata trailers = Metadata.builder().putBinary(StatusDetails.KEY, rpcStatus()).build();
    String body =
        new String(
            ConnectErrors.errorBody(Status.FAILED_PRECONDITION.withDescription("no"), trailers),
            StandardCharsets.UTF_8);
    String value = Base64.getEncoder().withoutPadding().encodeToString(VALUE);
    assertEquals(
        "{\"code\":\"failed_precondition\",\"message\":\"no\",\"details\":["
            + "{\"type\":\"google.protobuf.StringValue\",\"value\":\""
            + value
            + "\"}]}",
        body);
    String end =
        new String(
            ConnectErrors.endStream(Status.FAILED_PRECONDITION, trailers), StandardCharsets.UTF_8);
    assertTrue(end.contains("\"details\":[{\"type\":\"google.protobuf.StringValue\""), end);
    assertFalse(end.contains("grpc-status-details-bin"), end);
  }

  @Test
  void grpcWebTrailersCarryTheStatusAsGrpcDoes() {
    byte[] status = rpcStatus();
    Metadata trailers = Metadata.builder().putBinary(StatusDetails.KEY, status).build();
    String block =
        new String(
            WebResponder.grpcWebTrailers(Status.FAILED_PRECONDITION, trailers),
            StandardCharsets.ISO_8859_1);
    assertTrue(
        block.contains(
            "grpc-status-details-bin:" + Base64.getEncoder().encodeToString(status) + "\r\n"),
        block);
  }

  @Test
  void aMalformedStatusLeavesTheErrorWithoutDetails() {
    Metadata trailers =
        Metadata.builder().putBinary(StatusDetails.KEY, new byte[] {0x1a, 0x7f, 1}).build();
    assertEquals(
        "{\"code\":\"internal\"}",
        new String(ConnectErrors.errorBody(Status.INTERNAL, trailers), StandardCharsets.UTF_8));
    assertTrue(StatusDetails.parse(new byte[] {(byte) 0xff}).isEmpty());
  }

  /** {@code google.rpc.Status{code: 9, message: "no", details: [Any(StringValue "hi")]}}. */
  private static byte[] rpcStatus() {
    try {
      ByteArrayOutputStream any = new ByteArrayOutputStream();
      CodedOutputStream a = CodedOutputStream.newInstance(any);
      a.writeString(1, "type.googleapis.com/google.protobuf.StringValue");
      a.writeBytes(2, ByteString.copyFrom(VALUE));
      a.flush();
      ByteArrayOutputStream status = new ByteArrayOutputStream();
      CodedOutputStream s = CodedOutputStream.newInstance(status);
      s.writeInt32(1, 9);
      s.writeString(2, "no");
      s.writeBytes(3, ByteString.copyFrom(any.toByteArray()));
      s.flush();
      return status.toByteArray();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
