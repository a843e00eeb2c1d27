package dev.typedrpc.it.grpc;

import dev.typedrpc.annotations.RpcService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The service typedrpc and stock gRPC-Java call each other with, over gRPC's HTTP/2 protocol. It
 * lives in main sources so that its {@code .proto} is emitted at compile time, early enough for
 * protoc and protoc-gen-grpc-java to generate gRPC-Java stubs from it for the tests.
 */
@RpcService(name = "typedrpc.it.grpc.Peer")
public interface PeerService {
  /**
   * Echoes the text; "metadata:KEY" answers the value of request header KEY (and KEY-bin as hex).
   */
  PeerReply unary(PeerRequest request);

  /** Replies {@code count} times, numbered. */
  Flow.Publisher<PeerReply> serverStream(PeerRequest request);

  /** Joins the texts of every request. */
  CompletableFuture<PeerReply> clientStream(Flow.Publisher<PeerRequest> requests);

  /** Answers each request as it arrives. */
  Flow.Publisher<PeerReply> bidi(Flow.Publisher<PeerRequest> requests);

  /** Never answers: for deadlines and cancellation. */
  CompletableFuture<PeerReply> hang(PeerRequest request);

  /**
   * Fails with status code {@code count} and description {@code text}, with trailer {@code
   * x-trailer}.
   */
  PeerReply fail(PeerRequest request);
}
