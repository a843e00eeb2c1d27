package dev.typedrpc.internal;

import java.util.concurrent.Flow;

/**
 * Subscribes to a {@link Flow.Publisher} and forwards its items to a stream, asking the publisher only for as
 * many items as the stream can send now (the peer's credit, while the connection is writable), so nothing
 * buffers without bound. Thread-safe: the publisher and the transport call it from their own threads.
 */
public final class OutboundPump<T> implements Flow.Subscriber<T> {
  /** Most items requested from the publisher and not yet received. */
  static final int MAX_OUTSTANDING = 32;

  /** Where the items go. */
  public interface Target<T> {
    /** Items the stream can take now. */
    long demand();

    void send(T item);

    void complete();

    void fail(Throwable error);
  }

  private final Target<T> target;
  private Flow.Subscription upstream;
  private long outstanding;
  private boolean done;

  public OutboundPump(Target<T> target) {
    this.target = target;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    boolean cancel;
    synchronized (this) {
      cancel = done || upstream != null;
      if (!cancel) {
        upstream = subscription;
      }
    }
    if (cancel) {
      subscription.cancel();
      return;
    }
    refill();
  }

  @Override
  public void onNext(T item) {
    synchronized (this) {
      if (done) {
        return;
      }
      outstanding--;
    }
    if (item == null) {
      onError(new NullPointerException("the publisher emitted null (Reactive Streams rule 2.13)"));
      return;
    }
    target.send(item);
    refill();
  }

  @Override
  public void onError(Throwable error) {
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
    }
    target.fail(error);
  }

  @Override
  public void onComplete() {
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
    }
    target.complete();
  }

  /** The stream can take more: ask the publisher for it. */
  public void onReady() {
    refill();
  }

  /** Stops: cancels the publisher's subscription. Idempotent. */
  public void cancel() {
    Flow.Subscription s;
    synchronized (this) {
      done = true;
      s = upstream;
    }
    if (s != null) {
      s.cancel();
    }
  }

  private void refill() {
    long want;
    Flow.Subscription s;
    synchronized (this) {
      if (done || upstream == null) {
        return;
      }
      want = Math.min(target.demand(), MAX_OUTSTANDING) - outstanding;
      if (want <= 0) {
        return;
      }
      outstanding += want;
      s = upstream;
    }
    s.request(want);
  }
}
