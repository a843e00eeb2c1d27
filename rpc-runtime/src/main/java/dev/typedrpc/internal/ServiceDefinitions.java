package dev.typedrpc.internal;

import dev.typedrpc.ServerServiceDefinition;
import java.util.function.BiFunction;

/**
 * The runtime's way to a {@link ServerServiceDefinition}'s method handlers, which its public API
 * does not show: the definition's class hands this class an accessor when it is initialized (before
 * any definition exists). Not API.
 */
public final class ServiceDefinitions {
  private static volatile BiFunction<ServerServiceDefinition, String, MethodHandler<?, ?>> access;

  private ServiceDefinitions() {}

  /** Called once, by {@link ServerServiceDefinition}'s class initializer. */
  public static synchronized void install(
      BiFunction<ServerServiceDefinition, String, MethodHandler<?, ?>> accessor) {
    if (access != null) {
      throw new IllegalStateException("the handler accessor is installed already");
    }
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
}
