package dev.typedrpc.micrometer;

import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of one method on one transport and side. Those tagged with the status are registered
 * on the first call that ends with it.
 */
final class MethodMeters {
  private final MeterRegistry registry;
  private final String prefix;
  private final Tags tags;
  final DistributionSummary requestSize;
  final DistributionSummary responseSize;
  private final AtomicReferenceArray<Ended> byStatus =
      new AtomicReferenceArray<>(Status.Code.values().length);

  /** The meters recorded when a call ends with one status. */
  record Ended(Timer duration, DistributionSummary requests, DistributionSummary responses) {}

  MethodMeters(
      MeterRegistry registry, String side, MethodDescriptor<?, ?> method, String transport) {
    this.registry = registry;
    this.prefix = "rpc." + side + ".";
    this.tags =
        Tags.of(
            RpcMetrics.SYSTEM_TAG,
            RpcMetrics.SYSTEM,
            RpcMetrics.SERVICE_TAG,
            method.serviceName(),
            RpcMetrics.METHOD_TAG,
            method.methodName(),
            RpcMetrics.TRANSPORT_TAG,
            transport);
    this.requestSize = size("request", "Size of request messages (uncompressed), per message");
    this.responseSize = size("response", "Size of response messages (uncompressed), per message");
  }

  private DistributionSummary size(String what, String description) {
    return DistributionSummary.builder(prefix + what + ".size")
        .description(description)
        .baseUnit("bytes")
        .tags(tags)
        .register(registry);
  }

  /** The meters of calls that ended with {@code status}. */
  Ended ended(Status status) {
    int i = status.code().value(); // 0..16, gRPC's codes
    Ended e = byStatus.get(i);
    if (e == null) {
      Tags t = tags.and(RpcMetrics.STATUS_CODE_TAG, SideMeters.statusTag(status));
      e =
          new Ended(
              Timer.builder(prefix + "duration")
                  .description("Duration of calls, from start to status")
                  .tags(t)
                  .publishPercentileHistogram()
                  .register(registry),
              perRpc(t, "requests", "Request messages per call"),
              perRpc(t, "responses", "Response messages per call"));
      byStatus.lazySet(i, e); // a race registers the same meters twice: Micrometer returns them
    }
    return e;
  }

  private DistributionSummary perRpc(Tags t, String what, String description) {
    return DistributionSummary.builder(prefix + what + "_per_rpc")
        .description(description)
        .baseUnit("messages")
        .tags(t)
        .register(registry);
  }
}
