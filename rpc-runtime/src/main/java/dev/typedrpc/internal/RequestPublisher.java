package dev.typedrpc.internal;

import dev.typedrpc.spi.ServerStream;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * The client's request messages as a {@link Flow.Publisher} for a streaming server method. One subscriber; its
 * {@code request(n)} becomes credit for the client. Every signal, including {@code onSubscribe}, is delivered on
 * the call's serial executor, so the subscriber sees them in order from one thread at a time.
 */
final class RequestPublisher<T> implements Flow.Publisher<T>, Flow.Subscription {
  private final ServerStream stream;
  private final Executor serial;
  private volatile Flow.Subscriber<? super T> subscriber;
  private volatile boolean cancelled;
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
                  new IllegalArgumentException("request(" + n + "): n must be positive (Reactive Streams rule 3.9)")));
      return;
    }
    stream.request((int) Math.min(n, Integer.MAX_VALUE));
  }

  @Override
  public void cancel() {
    cancelled = true; // the implementation wants no more requests; the call itself goes on
  }

  /** Serial executor only. */
  void onMessage(T message) {
    if (subscribed && !cancelled && !terminated) {
      subscriber.onNext(message);
    }
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
