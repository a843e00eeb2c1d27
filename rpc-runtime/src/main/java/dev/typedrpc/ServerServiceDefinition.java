package dev.typedrpc;

import dev.typedrpc.internal.MethodHandler;
import dev.typedrpc.internal.ServiceDefinitions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Function;

/**
 * A service implementation ready to be served: its descriptor plus one handler per method.
 * Generated {@code <Iface>Rpc.bind(impl)} methods build these; immutable and thread-safe.
 */
public final class ServerServiceDefinition {
  static {
    // the server reaches the handlers through the runtime's internals; they are not part of this
    // API
    ServiceDefinitions.install((definition, method) -> definition.handlers.get(method));
  }

  private final ServiceDescriptor descriptor;
  private final Map<String, MethodHandler<?, ?>> handlers;

  private ServerServiceDefinition(
      ServiceDescriptor descriptor, Map<String, MethodHandler<?, ?>> handlers) {
    this.descriptor = descriptor;
    this.handlers = Map.copyOf(handlers);
  }

  public static Builder builder(ServiceDescriptor descriptor) {
    return new Builder(descriptor);
  }

  public ServiceDescriptor descriptor() {
    return descriptor;
  }

  /**
   * Binds each method of a descriptor to its implementation. Every method must be bound exactly
   * once, with a handler matching its {@link CallKind}. Not thread-safe.
   */
  public static final class Builder {
    private final ServiceDescriptor descriptor;
    private final Map<String, MethodHandler<?, ?>> handlers = new LinkedHashMap<>();

    private Builder(ServiceDescriptor descriptor) {
      this.descriptor = descriptor;
    }

    /** A blocking unary implementation; it runs on the server's executor. */
    public <Req, Resp> Builder unary(MethodDescriptor<Req, Resp> method, Function<Req, Resp> impl) {
      return add(method, CallKind.UNARY, new MethodHandler.Unary<>(method, impl));
    }

    /** An asynchronous unary implementation returning a {@link CompletionStage}. */
    public <Req, Resp> Builder unaryAsync(
        MethodDescriptor<Req, Resp> method, Function<Req, ? extends CompletionStage<Resp>> impl) {
      return add(method, CallKind.UNARY, new MethodHandler.UnaryAsync<>(method, impl));
    }

    /** A server-streaming implementation returning a {@link Flow.Publisher}. */
    public <Req, Resp> Builder serverStreaming(
        MethodDescriptor<Req, Resp> method, Function<Req, ? extends Flow.Publisher<Resp>> impl) {
      return add(
          method, CallKind.SERVER_STREAMING, new MethodHandler.ServerStreaming<>(method, impl));
    }

    /** A client-streaming implementation. */
    public <Req, Resp> Builder clientStreaming(
        MethodDescriptor<Req, Resp> method,
        Function<Flow.Publisher<Req>, ? extends CompletionStage<Resp>> impl) {
      return add(
          method, CallKind.CLIENT_STREAMING, new MethodHandler.ClientStreaming<>(method, impl));
    }

    /** A bidirectional-streaming implementation. */
    public <Req, Resp> Builder bidiStreaming(
        MethodDescriptor<Req, Resp> method,
        Function<Flow.Publisher<Req>, ? extends Flow.Publisher<Resp>> impl) {
      return add(method, CallKind.BIDI_STREAMING, new MethodHandler.BidiStreaming<>(method, impl));
    }

    private Builder add(MethodDescriptor<?, ?> method, CallKind kind, MethodHandler<?, ?> handler) {
      if (descriptor.method(method.methodName()) != method) {
        throw new IllegalArgumentException(
            method.fullName() + " is not a method of " + descriptor.name());
      }
      if (method.kind() != kind) {
        throw new IllegalArgumentException(
            method.fullName() + " is " + method.kind() + ", not " + kind);
      }
      if (handlers.putIfAbsent(method.fullName(), handler) != null) {
        throw new IllegalArgumentException(method.fullName() + " is bound twice");
      }
      return this;
    }

    public ServerServiceDefinition build() {
      for (MethodDescriptor<?, ?> m : descriptor.methods()) {
        if (!handlers.containsKey(m.fullName())) {
          throw new IllegalStateException(m.fullName() + " has no implementation bound");
        }
      }
      return new ServerServiceDefinition(descriptor, handlers);
    }
  }
}
