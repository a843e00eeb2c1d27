package dev.typedrpc.bench.scale;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Flow;

/**
 * A server-side typedrpc subscription: the subscriber's outstanding demand and its place in the
 * broadcaster. The broadcasting thread is the only one that calls {@code onNext}; {@code request}
 * and {@code cancel} come from the transport's thread. 24 bytes, no objects of its own.
 */
final class TickSubscription implements Flow.Subscription, Broadcaster.Target<Tick> {
  private static final VarHandle DEMAND;

  static {
    try {
      DEMAND = MethodHandles.lookup().findVarHandle(TickSubscription.class, "demand", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Flow.Subscriber<? super Tick> subscriber;
  private final Broadcaster<Tick> broadcaster;

  @SuppressWarnings("UnusedVariable") // accessed through DEMAND
  private volatile long demand;

  TickSubscription(Flow.Subscriber<? super Tick> subscriber, Broadcaster<Tick> broadcaster) {
    this.subscriber = subscriber;
    this.broadcaster = broadcaster;
  }

  @Override
  public boolean offer(Tick tick) {
    long d;
    do {
      d = (long) DEMAND.getVolatile(this);
      if (d <= 0) {
        return false;
      }
    } while (!DEMAND.compareAndSet(this, d, d - 1));
    subscriber.onNext(tick);
    return true;
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      broadcaster.remove(this);
      subscriber.onError(new IllegalArgumentException("request(" + n + "): rule 3.9"));
      return;
    }
    long d;
    do {
      d = (long) DEMAND.getVolatile(this);
    } while (!DEMAND.compareAndSet(this, d, d + n < 0 ? Long.MAX_VALUE : d + n));
  }

  @Override
  public void cancel() {
    broadcaster.remove(this);
  }
}
