package dev.typedrpc.services.health;

import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * One {@code Watch} call: sends the watched service's status when it changes, as far as the client
 * asked for messages. It holds at most one status not yet sent, the latest (a client that reads
 * slowly sees the current status, not every one in between), so memory stays bounded however often
 * the status changes. Thread-safe; subscriber signals are serialized and never sent under the lock.
 */
final class Watcher implements Flow.Subscription {
  private final Flow.Subscriber<? super ServingStatus> subscriber;
  private final Consumer<Watcher> onEnd;
  private long demand;
  private ServingStatus pending;
  private ServingStatus sent;
  private boolean completing;
  private boolean emitting;
  private boolean ended;

  /**
   * Creates a watcher.
   *
   * @param onEnd runs once when the watch ends (completed or cancelled), to forget the watcher
   */
  Watcher(Flow.Subscriber<? super ServingStatus> subscriber, Consumer<Watcher> onEnd) {
    this.subscriber = subscriber;
    this.onEnd = onEnd;
  }

  /** Calls {@code onSubscribe}; {@link #update} and {@link #emit} then send statuses. */
  void start() {
    subscriber.onSubscribe(this);
  }

  /**
   * Makes {@code status} the one to send next, unless it is what the client last got; {@link #emit}
   * sends it. Never calls the subscriber, so the health service can call it under its lock and keep
   * the order of changes.
   */
  synchronized void update(ServingStatus status) {
    if (!ended && !completing) {
      pending = status == sent ? null : status;
    }
  }

  /** {@link #update}, and end the call (status OK) once that status is sent. */
  synchronized void finish(ServingStatus status) {
    update(status);
    completing = true;
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      boolean end;
      synchronized (this) {
        end = !ended;
        ended = true;
      }
      if (end) {
        onEnd.accept(this);
        subscriber.onError(new IllegalArgumentException("request(" + n + "): must be positive"));
      }
      return;
    }
    synchronized (this) {
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    }
    emit();
  }

  @Override
  public void cancel() {
    boolean end;
    synchronized (this) {
      end = !ended;
      ended = true;
    }
    if (end) {
      onEnd.accept(this);
    }
  }

  /** Sends what can be sent; one thread at a time, the others leave their work to it. */
  void emit() {
    synchronized (this) {
      if (emitting) {
        return;
      }
      emitting = true;
    }
    while (true) {
      ServingStatus next = null;
      boolean complete = false;
      synchronized (this) {
        if (ended) {
          emitting = false;
          return;
        }
        if (pending != null && demand > 0) {
          next = pending;
          sent = next;
          pending = null;
          demand--;
        } else if (completing && pending == null) {
          ended = true;
          complete = true;
        } else {
          emitting = false;
          return;
        }
      }
      if (complete) {
        onEnd.accept(this);
        subscriber.onComplete();
        return;
      }
      subscriber.onNext(next);
    }
  }
}
