package dev.typedrpc.internal;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ClientCall;
import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
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
    Deadline deadline = options.effectiveDeadline();
    this.deadline = deadline;
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
    ClientStream s =
        RetryingStream.start(channel, method, md, deadline, options.isWaitForReady(), this);
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

  /** As {@link #sendLastMessage(Object)}, with the message's size, computed by the caller. */
  public void sendLastMessage(Req message, int encodedSize) {
    stream().writeLastMessage(message, encodedSize);
  }

  @Override
  public void cancel(String reason, Throwable cause) {
    Status status =
        Status.CANCELLED.withDescription(reason == null ? "cancelled by the client" : reason);
    if (cause != null) {
      status = status.withCause(cause);
    }
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
