package dev.typedrpc.opentelemetry;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallObserver;
import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import dev.typedrpc.junit.InterceptorCalls;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The interceptors alone: spans, their attributes and events, and the propagated context. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RpcTracingTest {
  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_ID = "00f067aa0ba902b7";

  private final RpcTracing tracing = RpcTracing.create(otel.getOpenTelemetry());

  @Test
  void aServerSpanContinuesTheClientsTraceparentAndIsCurrentAroundTheCode() {
    Metadata headers = Metadata.of("traceparent", "00-" + TRACE_ID + "-" + PARENT_ID + "-01");
    CallObserver call =
        tracing
            .serverInterceptor()
            .interceptCall(InterceptorCalls.server(RelayRpc.CHAT, "ws", headers));
    AtomicReference<String> current = new AtomicReference<>();
    call.run(() -> current.set(Span.current().getSpanContext().getSpanId()));
    call.onRequest("a");
    call.onResponse("b");
    call.onRequest("c");
    call.onClose(Status.OK, Metadata.EMPTY);

    List<SpanData> spans = otel.getSpans();
    assertThat(spans).hasSize(1);
    SpanData span = spans.get(0);
    assertThat(span)
        .hasName("typedrpc.test.Relay/Chat")
        .hasKind(SpanKind.SERVER)
        .hasTraceId(TRACE_ID)
        .hasParentSpanId(PARENT_ID)
        .hasAttribute(AttributeKey.stringKey("rpc.system"), "typedrpc")
        .hasAttribute(AttributeKey.stringKey("rpc.service"), "typedrpc.test.Relay")
        .hasAttribute(AttributeKey.stringKey("rpc.method"), "Chat")
        .hasAttribute(AttributeKey.stringKey("rpc.typedrpc.transport"), "ws")
        .hasAttribute(AttributeKey.longKey("rpc.grpc.status_code"), 0L)
        .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset());
    assertThat(current.get()).isEqualTo(span.getSpanId());
    assertThat(span.getEvents())
        .extracting(
            e -> e.getName(),
            e -> e.getAttributes().get(AttributeKey.stringKey("rpc.message.type")),
            e -> e.getAttributes().get(AttributeKey.longKey("rpc.message.id")))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("message", "RECEIVED", 1L),
            org.assertj.core.groups.Tuple.tuple("message", "SENT", 1L),
            org.assertj.core.groups.Tuple.tuple("message", "RECEIVED", 2L));
  }

  @Test
  void withoutTraceparentAServerSpanStartsATrace() {
    tracing
        .serverInterceptor()
        .interceptCall(InterceptorCalls.server(RelayRpc.HOP, "h2c", Metadata.EMPTY))
        .onClose(Status.OK, Metadata.EMPTY);
    SpanData span = otel.getSpans().get(0);
    assertThat(span.getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void aServerSpanIsAnErrorOnlyWhenTheServerFailed() {
    tracing
        .serverInterceptor()
        .interceptCall(InterceptorCalls.server(RelayRpc.FAIL, "ws", Metadata.EMPTY))
        .onClose(Status.INVALID_ARGUMENT.withDescription("bad"), Metadata.EMPTY);
    tracing
        .serverInterceptor()
        .interceptCall(InterceptorCalls.server(RelayRpc.FAIL, "ws", Metadata.EMPTY))
        .onClose(Status.INTERNAL.withDescription("broken"), Metadata.EMPTY);
    List<SpanData> spans = otel.getSpans();
    assertThat(spans.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(spans.get(0).getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")))
        .isEqualTo(3L);
    assertThat(spans.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(spans.get(1).getStatus().getDescription()).isEqualTo("INTERNAL: broken");
  }

  @Test
  void aClientSpanIsAChildOfTheCurrentContextAndSendsItsOwnTraceparent() {
    Span parent = otel.getOpenTelemetry().getTracer("test").spanBuilder("parent").startSpan();
    InterceptorCalls.Outgoing outgoing = InterceptorCalls.client(RelayRpc.HOP, "h2c://127.0.0.1:1");
    CallObserver call;
    try (var unused = parent.makeCurrent()) {
      call = tracing.clientInterceptor().interceptCall(outgoing);
    }
    call.onRequest(new RelayRpc.HopRequest("x"));
    call.onResponse("y");
    call.onClose(Status.UNAVAILABLE, Metadata.EMPTY);
    parent.end();

    SpanData client =
        otel.getSpans().stream().filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().get();
    assertThat(client)
        .hasParentSpanId(parent.getSpanContext().getSpanId())
        .hasTraceId(parent.getSpanContext().getTraceId())
        .hasAttribute(AttributeKey.stringKey("rpc.typedrpc.transport"), "h2c")
        .hasAttribute(AttributeKey.longKey("rpc.grpc.status_code"), 14L);
    assertThat(client.getStatus().getStatusCode())
        .as("a client span is an error on any status but OK")
        .isEqualTo(StatusCode.ERROR);
    assertThat(client.getEvents())
        .extracting(e -> e.getAttributes().get(AttributeKey.stringKey("rpc.message.type")))
        .containsExactly("SENT", "RECEIVED");
    assertThat(outgoing.headers().get("traceparent"))
        .startsWith("00-" + client.getTraceId() + "-" + client.getSpanId() + "-");
  }
}
