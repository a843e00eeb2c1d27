package dev.typedrpc.micrometer;

import dev.typedrpc.spi.TransportEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/** Open connections per transport, and failed negotiation attempts, of one side. Thread-safe. */
final class ConnectionMeters implements TransportEvents {
  private final MeterRegistry registry;
  private final String side;
  private final ConcurrentMap<String, AtomicLong> open = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> fallbacks = new ConcurrentHashMap<>();

  ConnectionMeters(MeterRegistry registry, String side) {
    this.registry = registry;
    this.side = side;
  }

  @Override
  public void connectionOpened(String transport) {
    open.computeIfAbsent(transport, this::gauge).incrementAndGet();
  }

  @Override
  public void connectionClosed(String transport) {
    open.computeIfAbsent(transport, this::gauge).decrementAndGet();
  }

  @Override
  public void transportAttemptFailed(String transport, String reason) {
    fallbacks
        .computeIfAbsent(
            transport,
            t ->
                Counter.builder("typedrpc." + side + ".transport_fallbacks")
                    .description(
                        "Transports a negotiating channel failed to connect with and moved on from")
                    .tag(RpcMetrics.SYSTEM_TAG, RpcMetrics.SYSTEM)
                    .tag(RpcMetrics.TRANSPORT_TAG, t)
                    .register(registry))
        .increment();
  }

  private AtomicLong gauge(String transport) {
    AtomicLong count = new AtomicLong();
    Gauge.builder("typedrpc." + side + ".connections", count, AtomicLong::get)
        .description("Open connections")
        .tag(RpcMetrics.SYSTEM_TAG, RpcMetrics.SYSTEM)
        .tag(RpcMetrics.TRANSPORT_TAG, transport)
        .register(registry);
    return count; // held by the map: Micrometer keeps only a weak reference
  }
}
