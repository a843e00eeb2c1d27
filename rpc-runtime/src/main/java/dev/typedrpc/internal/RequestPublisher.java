package dev.typedrpc.internal;

import dev.typedrpc.spi.ServerStream;
import java.util.concurrent.Flow;

/**
 * The client's request messages as a {@link Flow.Publisher} for a streaming server method. One subscriber;
 * its {@code request(n)} becomes credit for the client. Signals are delivered on the call's serial executor.
 */
final class RequestPublisher<T> implements Flow.Publisher<T>, Flow.Subscription {
  private final ServerStream stream;
  private Flow.Subscriber<? super T> subscriber; // guarded by this
  private volatile boolean cancelled;
  private boolean terminated;
  private Throwable pendingError;
  private boolean pendingComplete;

  RequestPublisher(ServerStream stream) {
    this.stream = stream;
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
      s.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      s.onError(new IllegalStateException("the request stream allows one subscriber"));
      return;
    }
    s.onSubscribe(this);
    if (pendingError != null) {
      onError(pendingError);
    } else if (pendingComplete) {
      onComplete();
    }
  }

  @Override
  public void request(long n) {
    if (cancelled) {
      return;
    }
    if (n <= 0) {
      cancelled = true;
      subscriber.onError(new IllegalArgumentException("request(" + n + "): n must be positive (rule 3.9)"));
      return;
    }
    stream.request((int) Math.min(n, Integer.MAX_VALUE));
  }

  @Override
  public void cancel() {
    cancelled = true; // the implementation wants no more requests; the call itself goes on
  }

  void onMessage(T message) {
    if (!cancelled && !terminated && subscriber != null) {
      subscriber.onNext(message);
    }
  }

  void onComplete() {
    if (subscriber == null) {
      pendingComplete = true;
      return;
    }
    if (!terminated && !cancelled) {
      terminated = true;
      subscriber.onComplete();
    }
  }

  void onError(Throwable error) {
    if (subscriber == null) {
      pendingError = error;
      return;
    }
    if (!terminated && !cancelled) {
      terminated = true;
      subscriber.onError(error);
    }
  }
}
