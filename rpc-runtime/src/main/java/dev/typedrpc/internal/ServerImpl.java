package dev.typedrpc.internal;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.auth.internal.AccessPolicyCheck;
import dev.typedrpc.spi.ServerStream;
import dev.typedrpc.spi.ServerStreamListener;
import dev.typedrpc.spi.ServerTransportListener;
import dev.typedrpc.spi.TransportEvents;
import dev.typedrpc.spi.WebResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Routes streams from every transport of a server to the bound method implementations. Thread-safe.
 */
public final class ServerImpl implements ServerTransportListener {
  /** What serves one method: its implementation, interceptors, and its service's version. */
  private record Route(
      MethodHandler<?, ?> handler, List<ServerInterceptor> interceptors, ServiceVersion version) {}

  private final Map<String, Route> routes;
  private final List<ServiceVersion> services;
  private final Executor executor;

  /**
   * The executor runs tasks on the submitting thread: each call then runs its callbacks there
   * directly while it is idle, without queueing them.
   */
  private final boolean directExecutor;

  private volatile TransportEvents transportEvents = TransportEvents.NONE;
  private volatile StaticResources staticResources;

  public ServerImpl(List<ServerServiceDefinition> services, Executor executor) {
    this(services, executor, List.of());
  }

  /**
   * @param interceptors the server's, around every call, before those of services and methods
   * @throws IllegalStateException if a method declares roles ({@code @RolesAllowed}) and no
   *     interceptor authenticates its calls
   */
  public ServerImpl(
      List<ServerServiceDefinition> services,
      Executor executor,
      List<ServerInterceptor> interceptors) {
    Map<String, Route> map = new HashMap<>();
    List<ServiceVersion> versions = new ArrayList<>();
    for (ServerServiceDefinition service : services) {
      ServiceVersion version = ServiceVersion.of(service.descriptor());
      versions.add(version);
      for (MethodDescriptor<?, ?> m : service.descriptor().methods()) {
        List<ServerInterceptor> chain = new ArrayList<>(interceptors);
        chain.addAll(ServiceDefinitions.interceptors(service, m.fullName()));
        ServerInterceptor policy = AccessPolicyCheck.forMethod(m, chain);
        if (policy != null) {
          chain.add(policy); // last: after the interceptor that authenticates the call
        }
        Route route =
            new Route(
                ServiceDefinitions.handler(service, m.fullName()), List.copyOf(chain), version);
        if (map.put(m.fullName(), route) != null) {
          throw new IllegalArgumentException(
              "service " + service.descriptor().name() + " is added twice");
        }
      }
    }
    this.routes = Map.copyOf(map);
    this.services = List.copyOf(versions);
    this.executor = executor;
    this.directExecutor = Executors2.runsOnCaller(executor);
  }

  /** Where transports report connections; set before the server starts. */
  public void transportEvents(TransportEvents events) {
    this.transportEvents = events;
  }

  /** The static files served next to the RPC endpoints, or null; set before the server starts. */
  public void staticResources(StaticResources resources) {
    this.staticResources = resources;
  }

  @Override
  public WebResource webResource(String path) {
    StaticResources resources = staticResources;
    return resources == null ? null : resources.find(path);
  }

  @Override
  public TransportEvents transportEvents() {
    return transportEvents;
  }

  @Override
  public List<ServiceVersion> services() {
    return services;
  }

  @Override
  public MethodDescriptor<?, ?> lookupMethod(String fullMethodName) {
    Route r = routes.get(fullMethodName);
    return r == null ? null : r.handler().method();
  }

  @Override
  public ServerStreamListener streamCreated(
      ServerStream stream, MethodDescriptor<?, ?> method, Metadata headers, Deadline deadline) {
    Route route = routes.get(method.fullName());
    ServerCall<?, ?> call =
        new ServerCall<>(
            route.handler(),
            route.interceptors(),
            stream,
            headers,
            deadline,
            executor,
            directExecutor,
            route.version());
    call.start();
    return call;
  }
}
