package dev.typedrpc.micrometer;

import dev.typedrpc.CallObserver;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/** The meters of one side (server or client): per method and transport, and calls in flight. */
final class SideMeters {
  private final MeterRegistry registry;
  private final String side;
  private final ConcurrentMap<Key, MethodMeters> methods = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AtomicLong> active = new ConcurrentHashMap<>();

  private record Key(String fullName, String transport) {}

  SideMeters(MeterRegistry registry, String side) {
    this.registry = registry;
    this.side = side;
  }

  /** A call started: the observer that records it. */
  CallObserver start(MethodDescriptor<?, ?> method, String transport) {
    MethodMeters meters =
        methods.computeIfAbsent(
            new Key(method.fullName(), transport),
            k -> new MethodMeters(registry, side, method, transport));
    AtomicLong inFlight = active.computeIfAbsent(transport, this::activeGauge);
    inFlight.incrementAndGet();
    return new CallMeter(meters, method, inFlight, registry.config().clock());
  }

  private AtomicLong activeGauge(String transport) {
    AtomicLong count = new AtomicLong();
    Gauge.builder("typedrpc." + side + ".active_calls", count, AtomicLong::get)
        .description("Calls in progress (streams in flight)")
        .tag(RpcMetrics.SYSTEM_TAG, RpcMetrics.SYSTEM)
        .tag(RpcMetrics.TRANSPORT_TAG, transport)
        .register(registry);
    return count; // held by the map: Micrometer keeps only a weak reference
  }

  /** The name of a status for the status tag: gRPC's numeric code. */
  static String statusTag(Status status) {
    return Integer.toString(status.code().value());
  }
}
