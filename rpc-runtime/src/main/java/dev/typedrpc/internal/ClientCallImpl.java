package dev.typedrpc.internal;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ClientCall;
import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A call on a {@link ChannelImpl}: opens a stream on the channel's transport, enforces the deadline with a
 * timer, and hands stream events to the listener on the call's serial executor.
 */
final class ClientCallImpl<Req, Resp> implements ClientCall<Req, Resp>, ClientStreamListener, HasDemand {
  private final ChannelImpl channel;
  private final MethodDescriptor<Req, Resp> method;
  private final CallOptions options;
  private final Executor callbacks;
  private volatile ClientStream stream;
  private Listener<Resp> listener;
  private volatile ScheduledFuture<?> deadlineTimer;
  private volatile Deadline deadline;
  private boolean closed; // callbacks executor only
  private volatile boolean cancelledBeforeStart;

  ClientCallImpl(ChannelImpl channel, MethodDescriptor<Req, Resp> method, CallOptions options, Executor callbacks) {
    this.channel = channel;
    this.method = method;
    this.options = options;
    this.callbacks = callbacks;
  }

  @Override
  public void start(Listener<Resp> listener, Metadata headers) {
    if (this.listener != null) {
      throw new IllegalStateException("call already started");
    }
    this.listener = listener;
    Metadata md = headers.isEmpty() ? options.metadata() : options.metadata().toBuilder().putAll(headers).build();
    Deadline deadline = options.effectiveDeadline();
    this.deadline = deadline;
    if (cancelledBeforeStart) {
      onClose(Status.CANCELLED.withDescription("cancelled before start"), Metadata.EMPTY);
      return;
    }
    if (deadline != null && deadline.isExpired()) {
      onClose(Status.DEADLINE_EXCEEDED.withDescription("deadline passed before the call started"), Metadata.EMPTY);
      return;
    }
    stream = channel.newStream(method, md, deadline, this);
    if (deadline != null) {
      long nanos = deadline.remainingNanos();
      deadlineTimer =
          Executors2.timers()
              .schedule(
                  () ->
                      stream.cancel(
                          Status.DEADLINE_EXCEEDED.withDescription(
                              "deadline exceeded after " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms")),
                  nanos,
                  TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void request(int n) {
    stream().request(n);
  }

  @Override
  public void sendMessage(Req message) {
    stream().writeMessage(message);
  }

  @Override
  public void halfClose() {
    stream().halfClose();
  }

  @Override
  public void sendLastMessage(Req message) {
    stream().writeLastMessage(message);
  }

  @Override
  public void cancel(String reason, Throwable cause) {
    Status status = Status.CANCELLED.withDescription(reason == null ? "cancelled by the client" : reason);
    if (cause != null) {
      status = status.withCause(cause);
    }
    ClientStream s = stream;
    if (s == null) {
      cancelledBeforeStart = true;
      return;
    }
    s.cancel(status);
  }

  @Override
  public boolean isReady() {
    ClientStream s = stream;
    return s != null && s.demand() > 0;
  }

  @Override
  public long demand() {
    ClientStream s = stream;
    return s == null ? 0 : s.demand();
  }

  private ClientStream stream() {
    ClientStream s = stream;
    if (s == null) {
      throw new IllegalStateException("call not started");
    }
    return s;
  }

  // ---------------------------------------------------------- ClientStreamListener (transport thread)

  @Override
  public void onHeaders(Metadata headers) {
    callbacks.execute(
        () -> {
          if (!closed) {
            listener.onHeaders(headers);
          }
        });
  }

  @Override
  @SuppressWarnings("unchecked")
  public void onMessage(Object message) {
    callbacks.execute(
        () -> {
          if (!closed) {
            listener.onMessage((Resp) message);
          }
        });
  }

  @Override
  public void onReady() {
    callbacks.execute(
        () -> {
          if (!closed) {
            listener.onReady();
          }
        });
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    ScheduledFuture<?> timer = deadlineTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    Deadline d = deadline;
    if (status.code() == Status.Code.CANCELLED && d != null && d.isExpired()) {
      // the server's timer fired first and reset the stream: to this caller it is its deadline that passed
      status = Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded (the server cancelled the call at it)");
    }
    Status closing = status;
    callbacks.execute(
        () -> {
          if (!closed) {
            closed = true;
            listener.onClose(closing, trailers);
          }
        });
  }
}
