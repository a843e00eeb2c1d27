package dev.typedrpc.web;

import dev.typedrpc.annotations.RpcService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The service the TypeScript transport's tests call: every call kind, errors, metadata, controls.
 */
@RpcService(name = "webtest.EchoService")
public interface EchoService {
  /** Unary: answers with the text. */
  Reply echo(Say say);

  /** Unary: the transport the call arrived on ({@code ws} or {@code sse}). */
  Reply transport(Say say);

  /** Unary: fails with the status named by the text, e.g. {@code NOT_FOUND}. */
  Reply fail(Say say);

  /**
   * Unary: answers with request header {@code x-token} as text and {@code x-data-bin} as data;
   * sends them back as response header {@code x-echo} and trailer {@code x-trailer-bin}.
   */
  Reply metadata(Say say);

  /**
   * Server streaming: {@code times} replies, each made only when the client's credit asks for it.
   */
  Flow.Publisher<Reply> count(Say say);

  /** How many replies the {@link #count} stream named by the text has produced so far. */
  Reply produced(Say say);

  /** Client streaming: the number of messages and the sum of their {@code times}. */
  CompletableFuture<Reply> sum(Flow.Publisher<Say> says);

  /** Bidirectional: echoes each message as it arrives. */
  Flow.Publisher<Reply> chat(Flow.Publisher<Say> says);

  /** Never answers; its cancellation is recorded under the text. */
  CompletableFuture<Reply> hang(Say say);

  /** Waits for the {@link #hang} call named by the text to be cancelled: the status it saw. */
  Reply cancelled(Say say);

  /** The time left until the call's deadline in ms (index), or -1 without one. */
  Reply deadline(Say say);

  /**
   * Restarts the server on the same port: {@code graceful} drains (GOAWAY, this call still
   * answers), {@code abrupt} closes every connection (this call fails).
   */
  CompletableFuture<Reply> restart(Say say);
}
