package dev.typedrpc.opentelemetry;

import dev.typedrpc.CallObserver;
import dev.typedrpc.Metadata;
import dev.typedrpc.Status;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.EnumSet;
import java.util.Set;

/**
 * The span of one call: a {@code message} event per message, the status at the end, and the span's
 * context current around the call's own code. The runtime never runs one call's callbacks
 * concurrently, so plain counters do.
 */
final class SpanObserver implements CallObserver {
  /**
   * The codes that mark a server span as an error (the semantic conventions: those that say the
   * server failed, not the client's request); a client span is an error on any code but OK.
   */
  private static final Set<Status.Code> SERVER_ERRORS =
      EnumSet.of(
          Status.Code.UNKNOWN,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.UNIMPLEMENTED,
          Status.Code.INTERNAL,
          Status.Code.UNAVAILABLE,
          Status.Code.DATA_LOSS);

  private final Span span;
  private final Context context;
  private final boolean server;
  private long received;
  private long sent;

  SpanObserver(Span span, Context context, boolean server) {
    this.span = span;
    this.context = context;
    this.server = server;
  }

  @Override
  public void onRequest(Object message) {
    if (server) {
      message("RECEIVED", ++received);
    } else {
      message("SENT", ++sent);
    }
  }

  @Override
  public void onResponse(Object message) {
    if (server) {
      message("SENT", ++sent);
    } else {
      message("RECEIVED", ++received);
    }
  }

  private void message(String type, long id) {
    if (span.isRecording()) {
      span.addEvent(
          SpanAttributes.MESSAGE_EVENT,
          Attributes.of(SpanAttributes.MESSAGE_TYPE, type, SpanAttributes.MESSAGE_ID, id));
    }
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    span.setAttribute(SpanAttributes.STATUS_CODE, (long) status.code().value());
    boolean error = server ? SERVER_ERRORS.contains(status.code()) : !status.isOk();
    if (error) {
      String description = status.description();
      span.setStatus(
          StatusCode.ERROR,
          description == null ? status.code().name() : status.code().name() + ": " + description);
    }
    span.end();
  }

  @Override
  public void run(Runnable code) {
    Scope scope = context.makeCurrent();
    try {
      code.run();
    } finally {
      scope.close();
    }
  }
}
