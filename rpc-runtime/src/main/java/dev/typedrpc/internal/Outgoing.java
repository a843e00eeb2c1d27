package dev.typedrpc.internal;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ClientInterceptor;
import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.OutgoingCall;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * A client call as its interceptors see it while they run ({@link #intercept}): collects the
 * metadata they add. Used on the thread that starts the call only.
 */
final class Outgoing implements OutgoingCall {
  private final MethodDescriptor<?, ?> method;
  private final CallOptions options;
  private final Deadline deadline;
  private final URI target;
  private Metadata headers;
  private boolean valid = true;

  private Outgoing(
      MethodDescriptor<?, ?> method,
      CallOptions options,
      Deadline deadline,
      Metadata headers,
      URI target) {
    this.method = method;
    this.options = options;
    this.deadline = deadline;
    this.headers = headers;
    this.target = target;
  }

  /**
   * Runs the channel's interceptors, then the call's, adding their observers to {@code into};
   * returns the request metadata with what they added. Throws what an interceptor throws.
   */
  static Metadata intercept(
      List<ClientInterceptor> channel,
      MethodDescriptor<?, ?> method,
      CallOptions options,
      Deadline deadline,
      Metadata headers,
      URI target,
      Interception into) {
    Outgoing call = new Outgoing(method, options, deadline, headers, target);
    try {
      for (ClientInterceptor i : channel) {
        into.add(i.interceptCall(call));
      }
      for (ClientInterceptor i : options.interceptors()) {
        into.add(i.interceptCall(call));
      }
      return call.headers;
    } finally {
      call.valid = false;
    }
  }

  @Override
  public MethodDescriptor<?, ?> method() {
    return method;
  }

  @Override
  public CallOptions options() {
    return options;
  }

  @Override
  public Deadline deadline() {
    return deadline;
  }

  @Override
  public Metadata headers() {
    return headers;
  }

  @Override
  public void addHeaders(Metadata more) {
    Objects.requireNonNull(more, "headers");
    if (!valid) {
      throw new IllegalStateException(
          "an OutgoingCall takes metadata only while its interceptors run: " + method.fullName());
    }
    headers = headers.isEmpty() ? more : headers.toBuilder().putAll(more).build();
  }

  @Override
  public URI target() {
    return target;
  }
}
