package dev.typedrpc.services.health;

import dev.typedrpc.CallKind;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RpcException;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Flow;

/**
 * The standard gRPC health service, {@code grpc.health.v1.Health}, served on every transport and
 * understood by stock clients (gRPC-Java's {@code HealthGrpc}, {@code grpc_health_probe},
 * Kubernetes gRPC probes, Envoy):
 *
 * <ul>
 *   <li>{@code Check(service)} answers the service's status, or fails with {@code NOT_FOUND} for a
 *       service it has no status for;
 *   <li>{@code Watch(service)} sends the status at once, then each change, until the client
 *       cancels; for a service without a status it sends {@code SERVICE_UNKNOWN} and keeps
 *       watching;
 *   <li>the empty service name {@code ""} is the server as a whole, {@link ServingStatus#SERVING}
 *       from the start;
 *   <li>{@link #drain()} (run by {@code RpcServer.shutdown()} when registered with {@code
 *       onShutdown}) turns every answer {@code NOT_SERVING} for good.
 * </ul>
 *
 * <pre>{@code
 * HealthService health = new HealthService();
 * RpcServer server = RpcServer.builder()
 *     .listen("h2c://0.0.0.0:8080")
 *     .addService(ChatServiceRpc.bind(chat))
 *     .addService(health.definition())
 *     .onShutdown(health::drain)
 *     .build()
 *     .start();
 * health.setStatus(ChatServiceRpc.SERVICE_NAME, ServingStatus.SERVING);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class HealthService {
  /** The service name, {@code grpc.health.v1.Health}. */
  public static final String SERVICE_NAME = "grpc.health.v1.Health";

  /** {@code Check}: request the service name, response its status. */
  public static final MethodDescriptor<String, ServingStatus> CHECK =
      MethodDescriptor.of(
          SERVICE_NAME, "Check", CallKind.UNARY, HealthCodecs.REQUEST, HealthCodecs.RESPONSE);

  /** {@code Watch}: request the service name, responses its status and each change. */
  public static final MethodDescriptor<String, ServingStatus> WATCH =
      MethodDescriptor.of(
          SERVICE_NAME,
          "Watch",
          CallKind.SERVER_STREAMING,
          HealthCodecs.REQUEST,
          HealthCodecs.RESPONSE);

  /** The service's descriptor, with {@code grpc/health/v1/health.proto} for reflection. */
  public static final ServiceDescriptor DESCRIPTOR =
      ServiceDescriptor.of(
          SERVICE_NAME, 1, "", HealthSchema.fileDescriptor(), List.of(CHECK, WATCH));

  /** The name that stands for the whole server: {@code ""}. */
  public static final String SERVER = "";

  private final Map<String, ServingStatus> statuses = new HashMap<>();
  private final Map<String, Set<Watcher>> watchers = new HashMap<>();
  private final ServerServiceDefinition definition;
  private boolean draining;

  /** A health service reporting the server ({@code ""}) {@link ServingStatus#SERVING}. */
  public HealthService() {
    statuses.put(SERVER, ServingStatus.SERVING);
    definition =
        ServerServiceDefinition.builder(DESCRIPTOR)
            .unary(CHECK, this::check)
            .serverStreaming(WATCH, this::watch)
            .build();
  }

  /** What to pass to {@code RpcServer.Builder.addService}. */
  public ServerServiceDefinition definition() {
    return definition;
  }

  /**
   * Sets the status of {@code service} (a fully qualified service name such as {@code
   * chat.ChatService}, or {@link #SERVER}) and tells its watchers. After {@link #drain()} the
   * status is recorded but every answer stays {@code NOT_SERVING}.
   *
   * @throws IllegalArgumentException for {@link ServingStatus#SERVICE_UNKNOWN}: use {@link
   *     #clearStatus}
   */
  public void setStatus(String service, ServingStatus status) {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(status, "status");
    if (status == ServingStatus.SERVICE_UNKNOWN) {
      throw new IllegalArgumentException(
          "SERVICE_UNKNOWN is what a service without a status reports: use clearStatus");
    }
    List<Watcher> tell;
    synchronized (this) {
      statuses.put(service, status);
      if (draining) {
        return;
      }
      tell = watchersOf(service);
      for (Watcher w : tell) {
        w.update(status);
      }
    }
    for (Watcher w : tell) {
      w.emit();
    }
  }

  /**
   * Forgets the status of {@code service}: {@code Check} then fails with {@code NOT_FOUND} and
   * watchers receive {@code SERVICE_UNKNOWN}.
   */
  public void clearStatus(String service) {
    List<Watcher> tell;
    synchronized (this) {
      statuses.remove(Objects.requireNonNull(service, "service"));
      if (draining) {
        return;
      }
      tell = watchersOf(service);
      for (Watcher w : tell) {
        w.update(ServingStatus.SERVICE_UNKNOWN);
      }
    }
    for (Watcher w : tell) {
      w.emit();
    }
  }

  /**
   * The server drains: from now on every {@code Check} and {@code Watch} answers {@code
   * NOT_SERVING}, whatever {@link #setStatus} says, so load balancers stop sending calls here. Each
   * open {@code Watch} receives {@code NOT_SERVING} and then ends (status OK), so that watches do
   * not hold the server's drain open; a {@code Watch} started later receives {@code NOT_SERVING}
   * and stays open. Register it with {@code RpcServer.Builder.onShutdown(health::drain)}; call it
   * yourself to fail health checks before shutting down (e.g. in a Kubernetes {@code preStop}
   * hook). Idempotent; there is no way back.
   */
  public void drain() {
    List<Watcher> tell = new ArrayList<>();
    synchronized (this) {
      draining = true;
      for (Set<Watcher> set : watchers.values()) {
        tell.addAll(set);
      }
      for (Watcher w : tell) {
        w.finish(ServingStatus.NOT_SERVING);
      }
    }
    for (Watcher w : tell) {
      w.emit();
    }
  }

  /**
   * What {@code Check} of {@code service} answers now: its status, {@code NOT_SERVING} while
   * draining, or {@link ServingStatus#SERVICE_UNKNOWN} for a service without a status.
   */
  public synchronized ServingStatus status(String service) {
    if (draining) {
      return ServingStatus.NOT_SERVING;
    }
    return statuses.getOrDefault(service, ServingStatus.SERVICE_UNKNOWN);
  }

  private ServingStatus check(String service) {
    ServingStatus status = status(service);
    if (status == ServingStatus.SERVICE_UNKNOWN) {
      throw new RpcException(Status.NOT_FOUND.withDescription("unknown service " + service));
    }
    return status;
  }

  private Flow.Publisher<ServingStatus> watch(String service) {
    return subscriber -> {
      Watcher w = new Watcher(subscriber, ended -> forget(service, ended));
      synchronized (this) {
        watchers.computeIfAbsent(service, s -> new LinkedHashSet<>()).add(w);
        w.update(status(service));
      }
      w.start();
      w.emit();
    };
  }

  private synchronized void forget(String service, Watcher w) {
    Set<Watcher> set = watchers.get(service);
    if (set != null && set.remove(w) && set.isEmpty()) {
      watchers.remove(service);
    }
  }

  private List<Watcher> watchersOf(String service) {
    Set<Watcher> set = watchers.get(service);
    return set == null ? List.of() : new ArrayList<>(set);
  }
}
