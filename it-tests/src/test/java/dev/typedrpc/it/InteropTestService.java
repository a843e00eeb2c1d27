package dev.typedrpc.it;

import dev.typedrpc.annotations.RpcService;
import dev.typedrpc.it.InteropMessages.SimpleRequest;
import dev.typedrpc.it.InteropMessages.SimpleResponse;
import dev.typedrpc.it.InteropMessages.StreamingInputCallRequest;
import dev.typedrpc.it.InteropMessages.StreamingInputCallResponse;
import dev.typedrpc.it.InteropMessages.StreamingOutputCallRequest;
import dev.typedrpc.it.InteropMessages.StreamingOutputCallResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * {@code grpc.testing.TestService} of {@code grpc/testing/test.proto}, defined Java-first: what the
 * official gRPC interop client calls. {@code UnimplementedCall} and {@code CacheableUnaryCall} are
 * deliberately absent (the first must be unimplemented; the second needs GET and a caching proxy).
 */
@RpcService(name = "grpc.testing.TestService")
public interface InteropTestService {
  /**
   * {@code EmptyCall(grpc.testing.Empty) returns (grpc.testing.Empty)}: Empty is wire-identical to
   * Void's.
   */
  void emptyCall();

  SimpleResponse unaryCall(SimpleRequest request);

  Flow.Publisher<StreamingOutputCallResponse> streamingOutputCall(
      StreamingOutputCallRequest request);

  CompletableFuture<StreamingInputCallResponse> streamingInputCall(
      Flow.Publisher<StreamingInputCallRequest> requests);

  Flow.Publisher<StreamingOutputCallResponse> fullDuplexCall(
      Flow.Publisher<StreamingOutputCallRequest> requests);

  Flow.Publisher<StreamingOutputCallResponse> halfDuplexCall(
      Flow.Publisher<StreamingOutputCallRequest> requests);
}
