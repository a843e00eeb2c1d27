package dev.typedrpc.internal;

import dev.typedrpc.MethodDescriptor;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * How a server invokes the implementation of one method: one variant per method shape. Built by
 * {@link dev.typedrpc.ServerServiceDefinition.Builder}; not API.
 */
public sealed interface MethodHandler<Req, Resp> {
  MethodDescriptor<Req, Resp> method();

  /** A blocking implementation {@code Resp m(Req)}; {@code void} methods return null. */
  record Unary<Req, Resp>(MethodDescriptor<Req, Resp> method, Function<Req, Resp> impl)
      implements MethodHandler<Req, Resp> {}

  /** {@code CompletionStage<Resp> m(Req)}. */
  record UnaryAsync<Req, Resp>(
      MethodDescriptor<Req, Resp> method, Function<Req, ? extends CompletionStage<Resp>> impl)
      implements MethodHandler<Req, Resp> {}

  /** {@code Flow.Publisher<Resp> m(Req)}. */
  record ServerStreaming<Req, Resp>(
      MethodDescriptor<Req, Resp> method, Function<Req, ? extends Flow.Publisher<Resp>> impl)
      implements MethodHandler<Req, Resp> {}

  /** {@code CompletionStage<Resp> m(Flow.Publisher<Req>)}. */
  record ClientStreaming<Req, Resp>(
      MethodDescriptor<Req, Resp> method,
      Function<Flow.Publisher<Req>, ? extends CompletionStage<Resp>> impl)
      implements MethodHandler<Req, Resp> {}

  /** {@code Flow.Publisher<Resp> m(Flow.Publisher<Req>)}. */
  record BidiStreaming<Req, Resp>(
      MethodDescriptor<Req, Resp> method,
      Function<Flow.Publisher<Req>, ? extends Flow.Publisher<Resp>> impl)
      implements MethodHandler<Req, Resp> {}
}
