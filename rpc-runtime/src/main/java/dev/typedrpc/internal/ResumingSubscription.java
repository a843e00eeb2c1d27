package dev.typedrpc.internal;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ClientCall;
import dev.typedrpc.ConnectionBackoff;
import dev.typedrpc.ConnectionState;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ResumePosition;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.Status;
import java.util.OptionalLong;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToLongFunction;

/**
 * One subscriber's view of a resumable stream: a sequence of calls ({@link Attempt}s), each started
 * after the last position delivered, so that the subscriber sees every event once and in order.
 *
 * <p>A call that fails with {@code UNAVAILABLE} (the connection was lost, the server went away, a
 * negotiated channel switched transports) is followed by another one, at once if the failed one
 * delivered an event, else after the channel's connection back-off; later calls wait for the
 * channel to be ready. An event at or before the last position delivered is dropped (and its credit
 * given back). The subscriber's demand carries over from call to call. Any other status, an OK end,
 * the deadline (fixed when the subscription began) or {@link #cancel()} ends it.
 *
 * <p>The subscriber's signals are serialized by this object's lock; {@link #request} and {@link
 * #cancel} may come from any thread.
 */
final class ResumingSubscription<Req, Resp> implements Flow.Subscription {
  private final RpcChannel channel;
  private final MethodDescriptor<Req, Resp> method;
  private final CallOptions first;
  private final CallOptions later;
  private final Metadata headers;
  private final Req request;
  private final int size;
  private final Flow.Subscriber<? super Resp> subscriber;
  private final ToLongFunction<Resp> positionOf;
  private final ConnectionBackoff backoffConfig;
  private final Scheduler scheduler;

  // guarded by this
  private long demand; // requested by the subscriber, not delivered yet
  private boolean hasPosition;
  private long position; // the last delivered (or the one the caller asked to start after)
  private Attempt current;
  private boolean done; // cancelled or terminated
  private int failuresWithoutProgress;
  private ExponentialBackoff backoff;
  private Future<?> retry;
  private boolean resumed; // a call was made before

  ResumingSubscription(
      RpcChannel channel,
      MethodDescriptor<Req, Resp> method,
      CallOptions options,
      Metadata headers,
      Req request,
      int size,
      Flow.Subscriber<? super Resp> subscriber,
      ConnectionBackoff backoffConfig,
      Scheduler scheduler) {
    this.channel = channel;
    this.method = method;
    this.first = options;
    this.later = options.withWaitForReady();
    this.headers = headers;
    this.request = request;
    this.size = size;
    this.subscriber = subscriber;
    this.positionOf = method.resumePosition();
    this.backoffConfig = backoffConfig;
    this.scheduler = scheduler;
    OptionalLong asked = ResumePosition.of(options.metadata());
    this.hasPosition = asked.isPresent();
    this.position = asked.orElse(0);
  }

  void start() {
    subscriber.onSubscribe(this);
    startAttempt();
  }

  /** Starts the next call, after the last position if there is one. */
  private void startAttempt() {
    Attempt attempt;
    Metadata attemptHeaders;
    synchronized (this) {
      if (done) {
        return;
      }
      retry = null;
      attempt = new Attempt(channel.newCall(method, resumed ? later : first));
      resumed = true;
      current = attempt;
      attemptHeaders =
          hasPosition
              ? headers.toBuilder()
                  .put(ResumePosition.METADATA_KEY, Long.toString(position))
                  .build()
              : headers;
    }
    attempt.call.start(attempt, attemptHeaders);
    long credit;
    boolean cancelNow;
    synchronized (this) {
      attempt.started = true;
      cancelNow = done;
      credit = demand;
    }
    if (cancelNow) {
      attempt.call.cancel("the subscriber cancelled", null);
      return;
    }
    if (credit > 0) {
      attempt.call.request((int) Math.min(credit, Integer.MAX_VALUE));
    }
    ChannelImpl.sendLastMessage(attempt.call, request, size);
  }

  @Override
  public void request(long n) {
    Attempt forward = null;
    boolean invalid = false;
    synchronized (this) {
      if (done) {
        return;
      }
      if (n <= 0) {
        invalid = true;
        done = true;
        forward = current;
      } else {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        if (current != null && current.started) {
          forward = current;
        }
      }
    }
    if (invalid) {
      end(forward, "subscriber requested " + n + " items");
      synchronized (this) {
        subscriber.onError(
            new IllegalArgumentException(
                "request(" + n + "): n must be positive (Reactive Streams rule 3.9)"));
      }
    } else if (forward != null) {
      forward.call.request((int) Math.min(n, Integer.MAX_VALUE));
    }
  }

  @Override
  public void cancel() {
    Attempt attempt;
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      attempt = current;
    }
    end(attempt, "the subscriber cancelled");
  }

  /** Cancels the current call and any pending retry; {@link #done} is set. */
  private void end(Attempt attempt, String why) {
    Future<?> pending;
    boolean started;
    synchronized (this) {
      pending = retry;
      retry = null;
      current = null;
      started = attempt != null && attempt.started;
    }
    if (pending != null) {
      pending.cancel(false);
    }
    if (started) {
      attempt.call.cancel(why, null);
    }
  }

  /** Whether a stream that ended with {@code status} is worth resuming. */
  static boolean retriable(Status status) {
    return status.code() == Status.Code.UNAVAILABLE;
  }

  /** One call of the subscription. */
  private final class Attempt extends ClientCall.Listener<Resp> {
    final ClientCall<Req, Resp> call;
    boolean started; // guarded by the subscription

    Attempt(ClientCall<Req, Resp> call) {
      this.call = call;
    }

    @Override
    public void onMessage(Resp message) {
      long p = positionOf.applyAsLong(message);
      synchronized (ResumingSubscription.this) {
        if (done || current != this) {
          return;
        }
        if (!hasPosition || p > position) {
          hasPosition = true;
          position = p;
          if (demand != Long.MAX_VALUE) {
            demand--;
          }
          failuresWithoutProgress = 0;
          backoff = null;
          subscriber.onNext(message);
          return;
        }
      }
      call.request(1); // a duplicate: its credit is the subscriber's, give it back
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      boolean now = false;
      synchronized (ResumingSubscription.this) {
        if (done || current != this) {
          return;
        }
        current = null;
        if (status.isOk() || !retriable(status) || channel.state() == ConnectionState.SHUTDOWN) {
          done = true;
          if (status.isOk()) {
            subscriber.onComplete();
          } else {
            subscriber.onError(status.asException(trailers));
          }
          return;
        }
        if (failuresWithoutProgress++ == 0) {
          now = true;
        } else {
          if (backoff == null) {
            backoff =
                new ExponentialBackoff(
                    backoffConfig, () -> ThreadLocalRandom.current().nextDouble());
          }
          retry =
              scheduler.schedule(
                  ResumingSubscription.this::startAttempt, backoff.nextBackoffNanos());
        }
      }
      if (now) {
        startAttempt();
      }
    }
  }
}
