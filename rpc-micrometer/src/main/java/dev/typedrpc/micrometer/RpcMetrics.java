package dev.typedrpc.micrometer;

import dev.typedrpc.ClientInterceptor;
import dev.typedrpc.ServerInterceptor;
import dev.typedrpc.spi.TransportEvents;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * Metrics of every call a server serves and a client makes, recorded in a Micrometer {@link
 * MeterRegistry}. Meter names follow OpenTelemetry's RPC semantic conventions v1.37.0 (the last
 * experimental version, whose names every RPC dashboard knows): see docs/METRICS_TRACING.md.
 *
 * <pre>{@code
 * RpcMetrics metrics = RpcMetrics.of(registry);
 * RpcServer.builder()
 *     .intercept(metrics.serverInterceptor())
 *     .transportEvents(metrics.serverTransportEvents())...
 * RpcChannel.connect(uri, ChannelOptions.DEFAULT
 *     .withInterceptors(metrics.clientInterceptor())
 *     .withTransportEvents(metrics.clientTransportEvents()));
 * }</pre>
 *
 * <p>Register the interceptor first, so that it also times and counts the calls that later
 * interceptors reject. Message sizes are measured with the method's codec ({@link
 * dev.typedrpc.spi.MessageCodec#encodedSize}): one size pass per message, paid only by calls these
 * interceptors see. Thread-safe; one instance per registry is enough.
 */
public final class RpcMetrics {
  /** Value of the {@value #SYSTEM_TAG} tag: the same on every transport. */
  public static final String SYSTEM = "typedrpc";

  public static final String SYSTEM_TAG = "rpc.system";
  public static final String SERVICE_TAG = "rpc.service";
  public static final String METHOD_TAG = "rpc.method";

  /** The call's status as gRPC's numeric code ({@code 0} for OK), as text. */
  public static final String STATUS_CODE_TAG = "rpc.grpc.status_code";

  /** The transport's URI scheme: {@code ws}, {@code h2c}, {@code sse}, {@code mem}, ... */
  public static final String TRANSPORT_TAG = "rpc.typedrpc.transport";

  private final SideMeters server;
  private final SideMeters client;
  private final ConnectionMeters serverConnections;
  private final ConnectionMeters clientConnections;

  private RpcMetrics(MeterRegistry registry) {
    this.server = new SideMeters(registry, "server");
    this.client = new SideMeters(registry, "client");
    this.serverConnections = new ConnectionMeters(registry, "server");
    this.clientConnections = new ConnectionMeters(registry, "client");
  }

  /** Metrics recorded in {@code registry}. */
  public static RpcMetrics of(MeterRegistry registry) {
    return new RpcMetrics(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * Records {@code rpc.server.duration}, {@code rpc.server.request.size}, {@code
   * rpc.server.response.size}, {@code rpc.server.requests_per_rpc}, {@code
   * rpc.server.responses_per_rpc} and the {@code typedrpc.server.active_calls} gauge.
   */
  public ServerInterceptor serverInterceptor() {
    return call -> server.start(call.method(), call.transport());
  }

  /**
   * Records the {@code rpc.client.*} equivalents of {@link #serverInterceptor()}'s meters. The
   * transport tag is the scheme of the channel's target ({@code typedrpc} for a channel that
   * negotiates its transport).
   */
  public ClientInterceptor clientInterceptor() {
    return call -> client.start(call.method(), scheme(call.target()));
  }

  /**
   * For {@code RpcServer.Builder.transportEvents}: the {@code typedrpc.server.connections} gauge,
   * open connections per transport.
   */
  public TransportEvents serverTransportEvents() {
    return serverConnections;
  }

  /**
   * For {@code ChannelOptions.withTransportEvents}: the {@code typedrpc.client.connections} gauge
   * and the {@code typedrpc.client.transport_fallbacks} counter (transports a {@code typedrpc://}
   * channel failed to connect with, by transport).
   */
  public TransportEvents clientTransportEvents() {
    return clientConnections;
  }

  private static String scheme(java.net.URI target) {
    String s = target == null ? null : target.getScheme();
    return s == null ? "unknown" : s;
  }
}
