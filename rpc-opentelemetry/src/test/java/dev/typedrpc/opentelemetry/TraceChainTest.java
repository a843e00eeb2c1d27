package dev.typedrpc.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.ChannelOptions;
import dev.typedrpc.Publishers;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client calls server A, which calls server B while serving the call, over real sockets on each
 * transport: one trace, each span the child of the one before.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TraceChainTest {
  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private final RpcTracing tracing = RpcTracing.create(otel.getOpenTelemetry());
  private RpcServer serverA;
  private RpcServer serverB;
  private RpcChannel toA;
  private RpcChannel toB;

  private Relay chain(String transport) throws Exception {
    serverB = server(new RelayImpl(null));
    toB = channel(Loopback.client(transport, serverB.address()));
    serverA = server(new RelayImpl(toB.stub(Relay.class)));
    toA = channel(Loopback.client(transport, serverA.address()));
    return toA.stub(Relay.class);
  }

  private RpcServer server(Relay impl) throws Exception {
    return RpcServer.builder()
        .listen(Loopback.LISTEN)
        .intercept(tracing.serverInterceptor())
        .addService(RelayRpc.bind(impl))
        .build()
        .start();
  }

  private RpcChannel channel(URI target) {
    return RpcChannel.connect(
        target, ChannelOptions.DEFAULT.withInterceptors(tracing.clientInterceptor()));
  }

  @AfterEach
  void stop() throws Exception {
    for (RpcChannel c : new RpcChannel[] {toA, toB}) {
      if (c != null) {
        c.shutdownNow();
      }
    }
    for (RpcServer s : new RpcServer[] {serverA, serverB}) {
      if (s != null) {
        s.shutdownNow();
        assertThat(s.awaitTermination(Duration.ofSeconds(10))).isTrue();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void oneTraceFromTheClientThroughServerAToServerB(String transport) throws Exception {
    Relay relay = chain(transport);
    Span root = otel.getOpenTelemetry().getTracer("test").spanBuilder("root").startSpan();
    try (Scope unused = root.makeCurrent()) {
      assertThat(relay.hop("hi")).isEqualTo("end:hi");
    } finally {
      root.end();
    }
    Loopback.await(() -> otel.getSpans().size() == 5);

    List<SpanData> spans = otel.getSpans();
    assertThat(spans)
        .extracting(SpanData::getTraceId)
        .containsOnly(root.getSpanContext().getTraceId());
    SpanData clientA = childOf(spans, root.getSpanContext().getSpanId(), SpanKind.CLIENT);
    SpanData serverSpanA = childOf(spans, clientA.getSpanId(), SpanKind.SERVER);
    SpanData clientB = childOf(spans, serverSpanA.getSpanId(), SpanKind.CLIENT);
    SpanData serverSpanB = childOf(spans, clientB.getSpanId(), SpanKind.SERVER);
    for (SpanData s : List.of(clientA, serverSpanA, clientB, serverSpanB)) {
      assertThat(s.getName()).isEqualTo("typedrpc.test.Relay/Hop");
      assertThat(s.getAttributes().get(AttributeKey.stringKey("rpc.typedrpc.transport")))
          .isEqualTo(transport);
      assertThat(s.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code"))).isEqualTo(0L);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "sse", "h2c"})
  void streamMessagesAreEventsAndAFailureIsAnErrorOnTheClient(String transport) throws Exception {
    Relay relay = chain(transport);
    assertThat(
            Publishers.collectList(relay.chat(Publishers.just("a", "b", "c")))
                .get(20, TimeUnit.SECONDS))
        .containsExactly("re:a", "re:b", "re:c");
    assertThatThrownBy(() -> relay.fail("no")).isInstanceOf(RpcException.class);
    Loopback.await(() -> otel.getSpans().size() == 4);

    List<SpanData> spans = otel.getSpans();
    SpanData chatServer = only(spans, "Chat", SpanKind.SERVER);
    assertThat(chatServer.getEvents())
        .extracting(e -> e.getAttributes().get(AttributeKey.stringKey("rpc.message.type")))
        .containsExactlyInAnyOrder("RECEIVED", "RECEIVED", "RECEIVED", "SENT", "SENT", "SENT");
    assertThat(only(spans, "Chat", SpanKind.CLIENT).getEvents()).hasSize(6);
    SpanData failClient = only(spans, "Fail", SpanKind.CLIENT);
    assertThat(failClient.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(failClient.getAttributes().get(AttributeKey.longKey("rpc.grpc.status_code")))
        .isEqualTo(3L);
    SpanData failServer = only(spans, "Fail", SpanKind.SERVER);
    assertThat(failServer.getStatus().getStatusCode())
        .as("INVALID_ARGUMENT is the client's fault, not the server's")
        .isEqualTo(StatusCode.UNSET);
    assertThat(failServer.getParentSpanId()).isEqualTo(failClient.getSpanId());
  }

  private static SpanData childOf(List<SpanData> spans, String parentId, SpanKind kind) {
    return spans.stream()
        .filter(s -> s.getKind() == kind && s.getParentSpanId().equals(parentId))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + kind + " span under " + parentId + " in " + spans));
  }

  private static SpanData only(List<SpanData> spans, String method, SpanKind kind) {
    List<SpanData> found =
        spans.stream()
            .filter(s -> s.getKind() == kind && s.getName().endsWith("/" + method))
            .toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }
}
