package dev.typedrpc.internal;

import dev.typedrpc.spi.ServerStream;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * The client's request messages as a {@link Flow.Publisher} for a streaming server method. One
 * subscriber; its {@code request(n)} becomes credit for the client. Every signal, including {@code
 * onSubscribe}, is delivered on the call's serial executor, so the subscriber sees them in order
 * from one thread at a time.
 *
 * <p>The subscriber's demand reaches the stream at most {@link #WINDOW} messages ahead of its
 * {@code onNext} calls: each message requested from the stream becomes a task on the serial
 * executor when it arrives, so however much the subscriber asks for (even {@code Long.MAX_VALUE})
 * and however fast the client sends, at most that many wait in the executor's queue. The rest is
 * requested as the subscriber takes them, half a window at a time.
 */
final class RequestPublisher<T> implements Flow.Publisher<T>, Flow.Subscription {
  /** Most messages requested from the stream and not yet handed to the subscriber. */
  static final int WINDOW = 64;

  private final ServerStream stream;
  private final Executor serial;
  private volatile Flow.Subscriber<? super T> subscriber;
  private volatile boolean cancelled;
  // guarded by this: the subscriber's demand not yet passed on, and messages requested but not yet
  // delivered
  private long demand;
  private int inFlight;
  // serial executor only:
  private boolean subscribed;
  private boolean terminated;
  private Throwable pendingError;
  private boolean pendingComplete;

  RequestPublisher(ServerStream stream, Executor serial) {
    this.stream = stream;
    this.serial = serial;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> s) {
    boolean accepted;
    synchronized (this) {
      accepted = subscriber == null;
      if (accepted) {
        subscriber = s;
      }
    }
    if (!accepted) {
      s.onSubscribe(NOOP);
      s.onError(new IllegalStateException("the request stream allows one subscriber"));
      return;
    }
    serial.execute(
        () -> {
          subscribed = true;
          s.onSubscribe(this);
          if (pendingError != null) {
            onError(pendingError);
          } else if (pendingComplete) {
            onComplete();
          }
        });
  }

  @Override
  public void request(long n) {
    if (cancelled) {
      return;
    }
    if (n <= 0) {
      cancelled = true;
      serial.execute(
          () ->
              subscriber.onError(
                  new IllegalArgumentException(
                      "request(" + n + "): n must be positive (Reactive Streams rule 3.9)")));
      return;
    }
    synchronized (this) {
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    }
    pull();
  }

  /** Passes demand on to the stream, keeping at most {@link #WINDOW} messages in flight. */
  private void pull() {
    int n;
    synchronized (this) {
      if (cancelled || demand == 0 || (inFlight > WINDOW / 2 && demand >= WINDOW - inFlight)) {
        return; // enough in flight: refill in half windows, not one CREDIT per message
      }
      n = (int) Math.min(demand, WINDOW - inFlight);
      if (n <= 0) {
        return;
      }
      if (demand != Long.MAX_VALUE) {
        demand -= n;
      }
      inFlight += n;
    }
    stream.request(n);
  }

  @Override
  public void cancel() {
    cancelled = true; // the implementation wants no more requests; the call itself goes on
  }

  /** Serial executor only. */
  void onMessage(T message) {
    synchronized (this) {
      inFlight--;
    }
    if (subscribed && !cancelled && !terminated) {
      subscriber.onNext(message);
    }
    pull();
  }

  /** Serial executor only. */
  void onComplete() {
    if (!subscribed) {
      pendingComplete = true;
    } else if (!terminated && !cancelled) {
      terminated = true;
      subscriber.onComplete();
    }
  }

  /** Serial executor only. */
  void onError(Throwable error) {
    if (!subscribed) {
      pendingError = error;
    } else if (!terminated && !cancelled) {
      terminated = true;
      subscriber.onError(error);
    }
  }

  private static final Flow.Subscription NOOP =
      new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      };
}
