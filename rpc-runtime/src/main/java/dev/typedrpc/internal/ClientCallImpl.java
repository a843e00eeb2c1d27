package dev.typedrpc.internal;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ClientCall;
import dev.typedrpc.Deadline;
import dev.typedrpc.HedgingPolicy;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RetryPolicy;
import dev.typedrpc.RpcContext;
import dev.typedrpc.RpcException;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call on a {@link ChannelImpl}: opens a stream on the channel's transport, enforces the deadline
 * with a timer, and hands stream events to the listener on the call's serial executor.
 */
final class ClientCallImpl<Req, Resp>
    implements ClientCall<Req, Resp>, ClientStreamListener, HasDemand {
  private static final Logger log = LoggerFactory.getLogger(ClientCallImpl.class);

  private final ChannelImpl channel;
  private final MethodDescriptor<Req, Resp> method;
  private final CallOptions options;

  /**
   * The call's serial executor, or null: the listener is called on the transport's thread directly.
   */
  private final Executor callbacks;

  private volatile ClientStream stream;
  private Listener<Resp> listener;
  private volatile ScheduledFuture<?> deadlineTimer;
  private volatile Deadline deadline;
  private boolean closed; // callbacks executor only

  /**
   * A cancel that found no stream yet. {@link #cancel} writes it, then reads {@link #stream};
   * {@link #start} writes the stream, then reads this: one of the two sees the other, so a cancel
   * racing start is never lost.
   */
  private volatile Status pendingCancel;

  /** The observers of the call's interceptors; null when it has none (no cost per call then). */
  private Interception interception;

  /**
   * Removes this call's cancel listener from the server call it was made in (a child call), or
   * null.
   */
  private volatile Runnable leaveParent;

  /**
   * The stream closed; read after {@link #deadlineTimer} is set, so a timer set late is cancelled
   * too.
   */
  private volatile boolean streamClosed;

  ClientCallImpl(
      ChannelImpl channel,
      MethodDescriptor<Req, Resp> method,
      CallOptions options,
      Executor callbacks) {
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
    Metadata md =
        headers.isEmpty()
            ? options.metadata()
            : options.metadata().toBuilder().putAll(headers).build();
    RpcContext parent = options.isDetached() ? null : CallContext.currentCall();
    Deadline deadline = options.effectiveDeadline();
    this.deadline = deadline;
    if (!channel.interceptors().isEmpty() || !options.interceptors().isEmpty()) {
      Interception observers =
          new Interception(channel.interceptors().size() + options.interceptors().size());
      interception = observers;
      this.listener = new ObservedListener<>(listener, observers, this::cancel);
      try {
        md =
            Outgoing.intercept(
                channel.interceptors(), method, options, deadline, md, channel.target(), observers);
      } catch (RpcException e) {
        stream = FailedStream.failed(this, e.status(), e.trailers());
        return;
      } catch (RuntimeException e) {
        log.error("a client interceptor of {} failed", method.fullName(), e);
        stream =
            FailedStream.failed(
                this,
                Status.INTERNAL.withDescription("a client interceptor failed: " + e).withCause(e),
                Metadata.EMPTY);
        return;
      }
    }
    if (parent != null) {
      followParent(parent);
    }
    // a call that ends before it starts still has a stream: it ignores what the caller does next
    Status cancelled = pendingCancel;
    if (cancelled != null) {
      stream = FailedStream.failed(this, cancelled);
      return;
    }
    if (deadline != null && deadline.isExpired()) {
      stream =
          FailedStream.failed(
              this,
              Status.DEADLINE_EXCEEDED.withDescription("deadline passed before the call started"));
      return;
    }
    Status unsupported = unsupportedByServer();
    if (unsupported != null) {
      stream = FailedStream.failed(this, unsupported);
      return;
    }
    if (channel.versionsInMetadata()) {
      ServiceVersion mine = channel.localService(method.serviceName());
      if (mine != null) {
        md = md.toBuilder().put(ServiceVersion.METADATA_KEY, mine.toMetadataValue()).build();
      }
    }
    ClientStream s = attempts(md, deadline);
    stream = s;
    Status raced = pendingCancel;
    if (raced != null) {
      s.cancel(raced); // cancelled while the stream was being opened: it did not see the stream
      return;
    }
    if (deadline != null) {
      startDeadlineTimer(s, deadline);
    }
  }

  /**
   * The call's stream: its hedged attempts for a unary call with a hedging policy, else its
   * (retried) attempts. The call's own policies replace the channel's.
   */
  private ClientStream attempts(Metadata md, Deadline deadline) {
    HedgingPolicy hedging =
        RetryPolicyChoice.hedging(
            method, options.retryPolicy(), options.hedgingPolicy(), channel.hedgingPolicy());
    if (hedging != null) {
      return HedgingStream.start(
          channel, method, md, deadline, options.isWaitForReady(), this, hedging);
    }
    RetryPolicy retry =
        options.hedgingPolicy() != null
            ? null // the call asked for hedging, which a streaming call cannot have
            : RetryPolicyChoice.choose(method, options.retryPolicy(), channel.retryPolicy());
    return RetryingStream.start(
        channel, method, md, deadline, options.isWaitForReady(), this, retry);
  }

  /** A child call: cancelled when the server call it is made in is cancelled or fails. */
  private void followParent(RpcContext parent) {
    Runnable onCancel =
        () -> {
          Status why = parent.cancellationStatus();
          cancel(
              Status.CANCELLED.withDescription(
                  "the incoming call "
                      + parent.method().fullName()
                      + " was cancelled"
                      + (why == null ? "" : " (" + why.code() + describe(why) + ")")));
        };
    if (parent instanceof CallContext c) {
      leaveParent = c.addRemovableCancelListener(onCancel);
    } else {
      parent.addCancelListener(onCancel);
    }
  }

  private static String describe(Status status) {
    return status.description() == null ? "" : ": " + status.description();
  }

  private void startDeadlineTimer(ClientStream s, Deadline deadline) {
    long nanos = deadline.remainingNanos();
    ScheduledFuture<?> timer =
        Executors2.timers()
            .schedule(
                () ->
                    s.cancel(
                        Status.DEADLINE_EXCEEDED.withDescription(
                            "deadline exceeded after "
                                + TimeUnit.NANOSECONDS.toMillis(nanos)
                                + " ms")),
                nanos,
                TimeUnit.NANOSECONDS);
    deadlineTimer = timer;
    if (streamClosed) {
      timer.cancel(
          false); // the stream closed before the timer existed (it failed as it was opened)
    }
  }

  /**
   * Why the server cannot serve this call, judged from what the channel learned of its version (at
   * connect, or from an earlier response); null if it can or nothing is known. Such a call fails at
   * once and is never sent.
   */
  private Status unsupportedByServer() {
    return VersionGate.tooNew(
        method,
        channel.knownServerService(method.serviceName()),
        channel.localService(method.serviceName()));
  }

  private void learnServerVersion(Metadata md) {
    ServiceVersion v =
        ServiceVersion.fromMetadataValue(method.serviceName(), md.get(ServiceVersion.METADATA_KEY));
    if (v != null) {
      channel.learnServerService(v);
    }
  }

  @Override
  public void request(int n) {
    stream().request(n);
  }

  @Override
  public void sendMessage(Req message) {
    if (interception == null || observed(message)) {
      stream().writeMessage(message);
    }
  }

  /**
   * Shows a request to the observers; false if one refused it (the call is then cancelled with its
   * status).
   */
  private boolean observed(Req message) {
    if (stream() instanceof FailedStream) {
      return false; // failed before it was sent (e.g. rejected by an interceptor): nothing goes out
    }
    try {
      interception.onRequest(message);
      return true;
    } catch (RpcException e) {
      stream().cancel(e.status());
      return false;
    }
  }

  @Override
  public void halfClose() {
    stream().halfClose();
  }

  @Override
  public void sendLastMessage(Req message) {
    if (interception == null || observed(message)) {
      stream().writeLastMessage(message);
    }
  }

  /** As {@link #sendLastMessage(Object)}, with the message's size, computed by the caller. */
  public void sendLastMessage(Req message, int encodedSize) {
    if (interception == null || observed(message)) {
      stream().writeLastMessage(message, encodedSize);
    }
  }

  @Override
  public void cancel(String reason, Throwable cause) {
    Status status =
        Status.CANCELLED.withDescription(reason == null ? "cancelled by the client" : reason);
    if (cause != null) {
      status = status.withCause(cause);
    }
    cancel(status);
  }

  /** Ends the call with {@code status}; before it started, when it starts. */
  private void cancel(Status status) {
    ClientStream s = stream;
    if (s == null) {
      pendingCancel = status;
      s = stream; // start may have set it meanwhile, before it could see pendingCancel
      if (s == null) {
        return;
      }
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

  // ---------------------------------------------------------- ClientStreamListener (transport
  // thread)
  // Each callback runs the listener directly when it can (callbacks null: the transport's
  // serialization suffices;
  // or an idle inline SerializingExecutor), and otherwise as a task on the call's serial executor.

  @Override
  public void onHeaders(Metadata headers) {
    learnServerVersion(headers);
    if (enter()) {
      try {
        if (!closed) {
          listener.onHeaders(headers);
        }
      } catch (RuntimeException | Error e) {
        log.error("listener failed", e);
      } finally {
        exit();
      }
      return;
    }
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
    if (enter()) {
      try {
        if (!closed) {
          listener.onMessage((Resp) message);
        }
      } catch (RuntimeException | Error e) {
        log.error("listener failed", e);
      } finally {
        exit();
      }
      return;
    }
    callbacks.execute(
        () -> {
          if (!closed) {
            listener.onMessage((Resp) message);
          }
        });
  }

  @Override
  public void onReady() {
    if (enter()) {
      try {
        if (!closed) {
          listener.onReady();
        }
      } catch (RuntimeException | Error e) {
        log.error("listener failed", e);
      } finally {
        exit();
      }
      return;
    }
    callbacks.execute(
        () -> {
          if (!closed) {
            listener.onReady();
          }
        });
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    streamClosed = true;
    Runnable leave = leaveParent;
    if (leave != null) {
      leave.run();
    }
    ScheduledFuture<?> timer = deadlineTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    learnServerVersion(trailers);
    Deadline d = deadline;
    if (status.code() == Status.Code.CANCELLED && d != null && d.isExpired()) {
      // the server's timer fired first and reset the stream: to this caller it is its deadline that
      // passed
      status =
          Status.DEADLINE_EXCEEDED.withDescription(
              "deadline exceeded (the server cancelled the call at it)");
    }
    Status closing = status;
    if (enter()) {
      try {
        closeListener(closing, trailers);
      } catch (RuntimeException | Error e) {
        log.error("listener failed", e);
      } finally {
        exit();
      }
      return;
    }
    callbacks.execute(() -> closeListener(closing, trailers));
  }

  private void closeListener(Status status, Metadata trailers) {
    if (!closed) {
      closed = true;
      listener.onClose(status, trailers);
    }
  }

  /** Whether this callback may run the listener right here; if so, {@link #exit} follows. */
  private boolean enter() {
    return callbacks == null || (callbacks instanceof SerializingExecutor s && s.tryEnter());
  }

  private void exit() {
    if (callbacks instanceof SerializingExecutor s) {
      s.exit();
    }
  }
}
