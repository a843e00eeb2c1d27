package dev.typedrpc.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallObserver;
import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.junit.InterceptorCalls;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The interceptors alone: what one call records, with the names and tags of the conventions. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RpcMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final RpcMetrics metrics = RpcMetrics.of(registry);

  @Test
  void aServerCallRecordsDurationSizesAndMessageCounts() {
    CallObserver call =
        metrics
            .serverInterceptor()
            .interceptCall(InterceptorCalls.server(RelayRpc.CHAT, "ws", Metadata.EMPTY));
    assertThat(activeCalls("server", "ws")).isEqualTo(1);
    call.onRequest("abc");
    call.onRequest("defgh");
    call.onResponse("x");
    call.onClose(Status.OK, Metadata.EMPTY);

    Timer duration =
        registry
            .get("rpc.server.duration")
            .tag("rpc.system", "typedrpc")
            .tag("rpc.service", "typedrpc.test.Relay")
            .tag("rpc.method", "Chat")
            .tag("rpc.grpc.status_code", "0")
            .tag("rpc.typedrpc.transport", "ws")
            .timer();
    assertThat(duration.count()).isEqualTo(1);
    DistributionSummary requestSize =
        registry.get("rpc.server.request.size").tag("rpc.method", "Chat").summary();
    assertThat(requestSize.count()).isEqualTo(2);
    assertThat(requestSize.totalAmount())
        .as("the codec's sizes: a string field, tag and length byte each")
        .isEqualTo(
            RelayRpc.CHAT.requestCodec().encodedSize("abc")
                + RelayRpc.CHAT.requestCodec().encodedSize("defgh"));
    assertThat(registry.get("rpc.server.response.size").summary().count()).isEqualTo(1);
    assertThat(registry.get("rpc.server.requests_per_rpc").summary().totalAmount()).isEqualTo(2);
    assertThat(registry.get("rpc.server.responses_per_rpc").summary().totalAmount()).isEqualTo(1);
    assertThat(activeCalls("server", "ws")).isZero();
  }

  @Test
  void theStatusCodeTagsTheDurationOfFailedCalls() {
    for (int i = 0; i < 3; i++) {
      metrics
          .serverInterceptor()
          .interceptCall(InterceptorCalls.server(RelayRpc.FAIL, "h2c", Metadata.EMPTY))
          .onClose(Status.INVALID_ARGUMENT.withDescription("no"), Metadata.EMPTY);
    }
    metrics
        .serverInterceptor()
        .interceptCall(InterceptorCalls.server(RelayRpc.FAIL, "h2c", Metadata.EMPTY))
        .onClose(Status.OK, Metadata.EMPTY);
    assertThat(
            registry
                .get("rpc.server.duration")
                .tag("rpc.grpc.status_code", "3")
                .tag("rpc.typedrpc.transport", "h2c")
                .timer()
                .count())
        .isEqualTo(3);
    assertThat(registry.get("rpc.server.duration").tag("rpc.grpc.status_code", "0").timer().count())
        .isEqualTo(1);
  }

  @Test
  void aClientCallIsTaggedWithItsTargetsScheme() {
    CallObserver call =
        metrics
            .clientInterceptor()
            .interceptCall(InterceptorCalls.client(RelayRpc.CHAT, "sse://127.0.0.1:1/rpc"));
    assertThat(activeCalls("client", "sse")).isEqualTo(1);
    call.onRequest("a");
    call.onResponse("bb");
    call.onResponse("cc");
    call.onClose(Status.UNAVAILABLE, Metadata.EMPTY);
    assertThat(
            registry
                .get("rpc.client.duration")
                .tag("rpc.grpc.status_code", "14")
                .tag("rpc.typedrpc.transport", "sse")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(registry.get("rpc.client.request.size").summary().count()).isEqualTo(1);
    assertThat(registry.get("rpc.client.responses_per_rpc").summary().totalAmount()).isEqualTo(2);
    assertThat(activeCalls("client", "sse")).isZero();
  }

  @Test
  void aMessageTheCodecCannotSizeIsNotMeasured() {
    CallObserver call =
        metrics
            .serverInterceptor()
            .interceptCall(InterceptorCalls.server(RelayRpc.CHAT, "ws", Metadata.EMPTY));
    call.onRequest(null);
    call.onClose(Status.OK, Metadata.EMPTY);
    assertThat(registry.get("rpc.server.request.size").summary().count()).isZero();
    assertThat(registry.get("rpc.server.requests_per_rpc").summary().totalAmount()).isEqualTo(1);
  }

  private double activeCalls(String side, String transport) {
    Gauge g =
        registry
            .get("typedrpc." + side + ".active_calls")
            .tag("rpc.typedrpc.transport", transport)
            .gauge();
    return g.value();
  }
}
