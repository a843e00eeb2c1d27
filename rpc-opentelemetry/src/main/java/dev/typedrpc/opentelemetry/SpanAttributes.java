package dev.typedrpc.opentelemetry;

import dev.typedrpc.MethodDescriptor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;

/** The names of the span attributes and events, after the RPC semantic conventions v1.37.0. */
final class SpanAttributes {
  static final String SYSTEM = "typedrpc";
  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<Long> STATUS_CODE = AttributeKey.longKey("rpc.grpc.status_code");
  static final AttributeKey<String> TRANSPORT = AttributeKey.stringKey("rpc.typedrpc.transport");

  static final String MESSAGE_EVENT = "message";
  static final AttributeKey<String> MESSAGE_TYPE = AttributeKey.stringKey("rpc.message.type");
  static final AttributeKey<Long> MESSAGE_ID = AttributeKey.longKey("rpc.message.id");

  private SpanAttributes() {}

  /** A span named {@code service/method} with the call's attributes. */
  static SpanBuilder builder(
      Tracer tracer, MethodDescriptor<?, ?> method, SpanKind kind, String transport) {
    SpanBuilder b =
        tracer
            .spanBuilder(method.fullName())
            .setSpanKind(kind)
            .setAttribute(RPC_SYSTEM, SYSTEM)
            .setAttribute(RPC_SERVICE, method.serviceName())
            .setAttribute(RPC_METHOD, method.methodName());
    if (transport != null) {
      b.setAttribute(TRANSPORT, transport);
    }
    return b;
  }
}
