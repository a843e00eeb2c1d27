package dev.typedrpc.internal;

import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.ServerServiceDefinition;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The runtime's way to a {@link ServerServiceDefinition}'s method handlers, which its public API
 * does not show: the definition's class hands this class an accessor when it is initialized (before
 * any definition exists). Not API.
 */
public final class ServiceDefinitions {
  private static volatile BiFunction<ServerServiceDefinition, String, MethodHandler<?, ?>> access;
  private static volatile BiFunction<ServerServiceDefinition, String, List<ServerInterceptor>>
      interceptors;

  private ServiceDefinitions() {}

  /** Called once, by {@link ServerServiceDefinition}'s class initializer. */
  public static synchronized void install(
      BiFunction<ServerServiceDefinition, String, MethodHandler<?, ?>> accessor,
      BiFunction<ServerServiceDefinition, String, List<ServerInterceptor>> interceptorAccessor) {
    if (access != null) {
      throw new IllegalStateException("the handler accessor is installed already");
    }
    interceptors = interceptorAccessor;
    access = accessor;
  }

  /**
   * The handler for a method's full name ({@code service/method}) in {@code definition}, or null.
   */
  public static MethodHandler<?, ?> handler(
      ServerServiceDefinition definition, String fullMethodName) {
    // a definition exists, so its class is initialized and the accessor installed
    return access.apply(definition, fullMethodName);
  }

  /**
   * The interceptors of a method's calls in {@code definition}: the service's, then the method's.
   */
  public static List<ServerInterceptor> interceptors(
      ServerServiceDefinition definition, String fullMethodName) {
    return interceptors.apply(definition, fullMethodName);
  }
}
