package dev.typedrpc.internal;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.spi.ServerStream;
import dev.typedrpc.spi.ServerStreamListener;
import dev.typedrpc.spi.ServerTransportListener;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Routes streams from every transport of a server to the bound method implementations. Thread-safe.
 */
public final class ServerImpl implements ServerTransportListener {
  private final Map<String, MethodHandler<?, ?>> handlers;
  private final List<ServiceVersion> services;
  private final Map<String, ServiceVersion> versionByService;
  private final Executor executor;

  public ServerImpl(List<ServerServiceDefinition> services, Executor executor) {
    Map<String, MethodHandler<?, ?>> map = new HashMap<>();
    List<ServiceVersion> versions = new ArrayList<>();
    for (ServerServiceDefinition service : services) {
      versions.add(ServiceVersion.of(service.descriptor()));
      for (MethodDescriptor<?, ?> m : service.descriptor().methods()) {
        if (map.put(m.fullName(), ServiceDefinitions.handler(service, m.fullName())) != null) {
          throw new IllegalArgumentException(
              "service " + service.descriptor().name() + " is added twice");
        }
      }
    }
    this.handlers = Map.copyOf(map);
    this.services = List.copyOf(versions);
    Map<String, ServiceVersion> byName = new HashMap<>();
    for (ServiceVersion v : versions) {
      byName.put(v.name(), v);
    }
    this.versionByService = Map.copyOf(byName);
    this.executor = executor;
  }

  @Override
  public List<ServiceVersion> services() {
    return services;
  }

  @Override
  public MethodDescriptor<?, ?> lookupMethod(String fullMethodName) {
    MethodHandler<?, ?> h = handlers.get(fullMethodName);
    return h == null ? null : h.method();
  }

  @Override
  public ServerStreamListener streamCreated(
      ServerStream stream, MethodDescriptor<?, ?> method, Metadata headers, Deadline deadline) {
    ServerCall<?, ?> call =
        new ServerCall<>(
            handlers.get(method.fullName()),
            stream,
            headers,
            deadline,
            executor,
            versionByService.get(method.serviceName()));
    call.start();
    return call;
  }
}
