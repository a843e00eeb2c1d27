package dev.typedrpc.it;

import dev.typedrpc.annotations.RpcService;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** A service with every method shape, compiled by the real processor, for the integration tests. */
@RpcService(name = "typedrpc.it.ItService")
public interface ItService {
  /** Blocking unary with a record request and response. */
  Reply greet(Greeting greeting);

  /** Async unary with a synthesized request and a non-record result. */
  CompletableFuture<String> shout(String text, int times);

  /** {@code CompletionStage} flavour. */
  CompletionStage<Long> length(String text);

  /** Void: waits for the server, errors propagate. */
  void record(String event);

  /** What {@link #record} stored. */
  List<String> recorded();

  /**
   * Server streaming: counts from 0 to {@code limit - 1}, producing only what the client asked for.
   */
  Flow.Publisher<Tick> count(long limit);

  /** Client streaming. */
  CompletableFuture<Long> sum(Flow.Publisher<Long> numbers);

  /** Bidirectional streaming. */
  Flow.Publisher<Reply> converse(Flow.Publisher<Greeting> greetings);

  /** Never answers: for deadlines and cancellation. */
  CompletableFuture<Reply> hang(String why);

  /** Throws: an RpcException with a chosen status, or an unexpected exception. */
  Reply fail(String how);

  /** Echoes bytes: for message size limits. */
  byte[] echo(byte[] payload);
}
