package dev.typedrpc.spi;

import dev.typedrpc.CallOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;

/**
 * What the annotation processor generates for each {@code @RpcService} interface and registers with
 * {@link java.util.ServiceLoader}, so that {@link RpcChannel#stub(Class)} finds the generated stub
 * for an interface without reflection on the interface. Implementations are stateless and
 * thread-safe.
 *
 * @param <T> the service interface
 */
public interface GeneratedService<T> {
  /** The annotated interface. */
  Class<T> serviceInterface();

  ServiceDescriptor descriptor();

  /** A client that turns calls on {@code T} into RPCs over {@code channel}. */
  T newStub(RpcChannel channel, CallOptions options);

  /** Routes incoming calls to {@code implementation}. */
  ServerServiceDefinition bind(T implementation);
}
