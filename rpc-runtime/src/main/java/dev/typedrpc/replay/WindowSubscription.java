package dev.typedrpc.replay;

import dev.typedrpc.RpcException;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One subscriber reading a {@link KeyWindow} from a position: it holds no events of its own, only
 * its place in the window, and reads as far as its demand goes; an append wakes it. One thread at a
 * time delivers (whichever asked or appended), without recursion. Thread-safe.
 */
final class WindowSubscription<E> implements Flow.Subscription {
  private static final int BATCH = 64;

  private final KeyWindow<E> window;
  private final Flow.Subscriber<? super E> subscriber;
  private final LongSupplier clock;
  private final AtomicInteger wip = new AtomicInteger();
  private long cursor; // the last position delivered: drain thread only
  private long demand; // guarded by this
  private volatile boolean done;
  private Throwable invalid; // guarded by this

  WindowSubscription(
      KeyWindow<E> window, Flow.Subscriber<? super E> subscriber, long after, LongSupplier clock) {
    this.window = window;
    this.subscriber = subscriber;
    this.cursor = after;
    this.clock = clock;
  }

  @Override
  public void request(long n) {
    synchronized (this) {
      if (n <= 0) {
        invalid =
            new IllegalArgumentException(
                "request(" + n + "): n must be positive (Reactive Streams rule 3.9)");
      } else {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      }
    }
    drain();
  }

  @Override
  public void cancel() {
    done = true;
    window.subscribers.remove(this);
  }

  /** Something was appended: deliver it if there is demand. */
  void signal() {
    drain();
  }

  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      deliver();
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  /** Delivers what the window holds after the cursor, within demand. */
  private void deliver() {
    while (!done) {
      long want;
      Throwable error;
      synchronized (this) {
        want = demand;
        error = invalid;
      }
      if (error != null) {
        fail(error);
        return;
      }
      if (want == 0) {
        return;
      }
      List<KeyWindow.Read<E>> batch;
      try {
        batch = window.after(cursor, (int) Math.min(want, BATCH), clock.getAsLong());
      } catch (RpcException e) {
        fail(e);
        return;
      }
      if (batch.isEmpty()) {
        return;
      }
      synchronized (this) {
        if (demand != Long.MAX_VALUE) {
          demand -= batch.size();
        }
      }
      for (KeyWindow.Read<E> read : batch) {
        if (done) {
          return;
        }
        cursor = read.position();
        subscriber.onNext(read.event());
      }
    }
  }

  private void fail(Throwable error) {
    cancel();
    subscriber.onError(error);
  }
}
