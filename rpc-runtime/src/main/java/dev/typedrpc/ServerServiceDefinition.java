package dev.typedrpc;

import dev.typedrpc.internal.MethodHandler;
import dev.typedrpc.internal.ServiceDefinitions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    ServiceDefinitions.install(
        (definition, method) -> definition.handlers.get(method),
        ServerServiceDefinition::interceptors);
  }

  private final ServiceDescriptor descriptor;
  private final Map<String, MethodHandler<?, ?>> handlers;
  private final List<ServerInterceptor> interceptors;
  private final Map<String, List<ServerInterceptor>> methodInterceptors;

  private ServerServiceDefinition(
      ServiceDescriptor descriptor,
      Map<String, MethodHandler<?, ?>> handlers,
      List<ServerInterceptor> interceptors,
      Map<String, List<ServerInterceptor>> methodInterceptors) {
    this.descriptor = descriptor;
    this.handlers = Map.copyOf(handlers);
    this.interceptors = List.copyOf(interceptors);
    this.methodInterceptors = Map.copyOf(methodInterceptors);
  }

  public static Builder builder(ServiceDescriptor descriptor) {
    return new Builder(descriptor);
  }

  public ServiceDescriptor descriptor() {
    return descriptor;
  }

  /**
   * This service with {@code interceptors} around each of its calls, after any it has already (see
   * {@link ServerInterceptor} for the order). This definition is unchanged.
   */
  public ServerServiceDefinition intercept(ServerInterceptor... interceptors) {
    return new ServerServiceDefinition(
        descriptor, handlers, concat(this.interceptors, interceptors), methodInterceptors);
  }

  /**
   * This service with {@code interceptors} around the calls of one of its methods, after the
   * service's and any the method has already (see {@link ServerInterceptor} for the order). This
   * definition is unchanged.
   *
   * @throws IllegalArgumentException if {@code method} is not a method of this service
   */
  public ServerServiceDefinition intercept(
      MethodDescriptor<?, ?> method, ServerInterceptor... interceptors) {
    if (descriptor.method(method.methodName()) != method) {
      throw new IllegalArgumentException(
          method.fullName() + " is not a method of " + descriptor.name());
    }
    Map<String, List<ServerInterceptor>> byMethod = new HashMap<>(methodInterceptors);
    byMethod.put(
        method.fullName(),
        concat(methodInterceptors.getOrDefault(method.fullName(), List.of()), interceptors));
    return new ServerServiceDefinition(descriptor, handlers, this.interceptors, byMethod);
  }

  /** The interceptors of a method's calls: the service's, then the method's. */
  private List<ServerInterceptor> interceptors(String fullMethodName) {
    List<ServerInterceptor> own = methodInterceptors.get(fullMethodName);
    return own == null ? interceptors : concat(interceptors, own.toArray(new ServerInterceptor[0]));
  }

  private static List<ServerInterceptor> concat(
      List<ServerInterceptor> first, ServerInterceptor... then) {
    List<ServerInterceptor> all = new ArrayList<>(first);
    for (ServerInterceptor i : then) {
      all.add(Objects.requireNonNull(i, "interceptor"));
    }
    return List.copyOf(all);
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
      return new ServerServiceDefinition(descriptor, handlers, List.of(), Map.of());
    }
  }
}
