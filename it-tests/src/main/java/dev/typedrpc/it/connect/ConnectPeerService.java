package dev.typedrpc.it.connect;

import dev.typedrpc.annotations.Idempotent;
import dev.typedrpc.annotations.RpcService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The service the official Connect clients for Node call: every call kind, errors, metadata both
 * ways, deadlines, cancellation and a method free of side effects (sent as HTTP {@code GET} by the
 * Connect protocol). It lives in main sources so that its {@code .proto} is emitted early enough
 * for {@code buf generate} to make the clients' message types from it.
 *
 * <p>Metadata: every method answers request header {@code x-ping} with response header {@code
 * x-pong} (same value) and trailer {@code x-ping-trailer} (the value with {@code "!"} appended),
 * and binary header {@code x-ping-bin} with {@code x-pong-bin} (the same bytes) in the headers.
 */
@RpcService(name = "typedrpc.it.connect.ConnectPeer")
public interface ConnectPeerService {
  /** Echoes the text as {@code "echo:" + text} with {@code count} as sequence. */
  ConnectReply unary(ConnectRequest request);

  /**
   * Replies {@code count} times, numbered {@code text + i}; when the text starts with {@code
   * "fail"}, fails with {@code ABORTED} after those replies.
   */
  Flow.Publisher<ConnectReply> serverStream(ConnectRequest request);

  /** Joins the texts of every request with commas; the sequence is their number. */
  CompletableFuture<ConnectReply> clientStream(Flow.Publisher<ConnectRequest> requests);

  /** Answers each request as it arrives with {@code "echo:" + text}. */
  Flow.Publisher<ConnectReply> bidi(Flow.Publisher<ConnectRequest> requests);

  /**
   * Fails with status code {@code count} and description {@code text}, trailer {@code x-trailer:
   * t1} and, as gRPC's rich error model carries them ({@code grpc-status-details-bin}), one detail:
   * a {@code google.protobuf.StringValue} holding the text.
   */
  ConnectReply fail(ConnectRequest request);

  /**
   * Answers the milliseconds left until the call's deadline as the sequence ({@code -1} without a
   * deadline).
   */
  ConnectReply deadline(ConnectRequest request);

  /**
   * Never answers: for deadlines and cancellation. The text names the call for {@link #outcome}.
   */
  CompletableFuture<ConnectReply> hang(ConnectRequest request);

  /**
   * Sends one reply ({@code "started:" + text}), then never ends: for deadlines and cancellation of
   * a stream. The text names the call for {@link #outcome}.
   */
  Flow.Publisher<ConnectReply> watch(ConnectRequest request);

  /**
   * Waits (up to ten seconds) until the {@link #hang} or {@link #watch} call named by the text has
   * ended and answers the name of the status code it ended with.
   */
  CompletableFuture<ConnectReply> outcome(ConnectRequest request);

  /** Changes nothing: answers {@code "found:" + text}. */
  @Idempotent(sideEffects = false)
  ConnectReply lookup(ConnectRequest request);
}
