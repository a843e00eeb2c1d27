package dev.typedrpc.opentelemetry;

import dev.typedrpc.ClientInterceptor;
import dev.typedrpc.Metadata;
import dev.typedrpc.ServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Objects;

/**
 * Traces every call a server serves and a client makes: one span per call ({@link SpanKind#SERVER}
 * or {@link SpanKind#CLIENT}) with the {@code rpc.*} attributes of OpenTelemetry's RPC semantic
 * conventions v1.37.0, its status, and a {@code message} event per message; the trace context
 * travels in the call's metadata as W3C {@code traceparent}/{@code tracestate}, the same on every
 * transport, so that gRPC peers that propagate it continue the trace.
 *
 * <pre>{@code
 * RpcTracing tracing = RpcTracing.create(openTelemetry);
 * RpcServer.builder().intercept(tracing.serverInterceptor())...
 * RpcChannel.connect(uri, ChannelOptions.DEFAULT.withInterceptors(tracing.clientInterceptor()));
 * }</pre>
 *
 * <p>A server span is current ({@link Span#current()}) while the implementation runs, so calls it
 * makes on the same thread become its children; a client span's parent is the context current when
 * the call starts. Propagation uses the {@link OpenTelemetry#getPropagators() propagators} of
 * {@code openTelemetry}, or W3C trace context if it has none. Thread-safe.
 */
public final class RpcTracing {
  private final Tracer tracer;
  private final TextMapPropagator propagator;

  private RpcTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("dev.typedrpc");
    TextMapPropagator configured = openTelemetry.getPropagators().getTextMapPropagator();
    this.propagator =
        configured.fields().isEmpty() ? W3CTraceContextPropagator.getInstance() : configured;
  }

  /** Tracing through {@code openTelemetry}'s tracer and propagators. */
  public static RpcTracing create(OpenTelemetry openTelemetry) {
    return new RpcTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  /**
   * Starts a server span per call, continuing the trace of the client's {@code traceparent} (a new
   * trace without one), current while the implementation runs.
   */
  public ServerInterceptor serverInterceptor() {
    return call -> {
      Context parent = propagator.extract(Context.root(), call.headers(), MetadataCarrier.INSTANCE);
      Span span =
          SpanAttributes.builder(tracer, call.method(), SpanKind.SERVER, call.transport())
              .setParent(parent)
              .startSpan();
      return new SpanObserver(span, parent.with(span), true);
    };
  }

  /**
   * Starts a client span per call, a child of the context current when the call starts, and sends
   * its context with the call's metadata; current while the call's response callbacks run.
   */
  public ClientInterceptor clientInterceptor() {
    return call -> {
      Context parent = Context.current();
      String scheme = call.target() == null ? null : call.target().getScheme();
      Span span =
          SpanAttributes.builder(tracer, call.method(), SpanKind.CLIENT, scheme)
              .setParent(parent)
              .startSpan();
      Context context = parent.with(span);
      Metadata.Builder headers = Metadata.builder();
      propagator.inject(context, headers, MetadataCarrier.INSTANCE);
      call.addHeaders(headers.build());
      return new SpanObserver(span, context, false);
    };
  }
}
