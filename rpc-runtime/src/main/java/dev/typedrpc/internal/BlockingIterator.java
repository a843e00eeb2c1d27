package dev.typedrpc.internal;

import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;

/**
 * Consumes a publisher from a blocking loop: {@link #hasNext} waits for the next item. At most
 * {@code prefetch} items are requested ahead of the consumer (they wait in a queue of that size); a
 * publisher that sends more than requested is cancelled and the iteration fails. {@link #close}
 * cancels the subscription, so closing a stream over a server-streaming call cancels the call.
 *
 * <p>One consumer thread; {@code close} may come from any thread. An interrupted wait cancels the
 * subscription and throws {@code CANCELLED}, with the interrupt flag kept.
 */
public final class BlockingIterator<T> implements Iterator<T>, Flow.Subscriber<T>, AutoCloseable {
  private static final Object COMPLETE = new Object();

  private final int prefetch;
  private final int replenish;
  private final BlockingQueue<Object> queue;
  private volatile Flow.Subscription subscription;
  private volatile boolean closed;
  private int consumedSinceRequest; // consumer thread only
  private Object next; // consumer thread only: an item, COMPLETE or a Failure
  private final Object lock = new Object();

  public BlockingIterator(int prefetch) {
    if (prefetch < 1) {
      throw new IllegalArgumentException("prefetch must be at least 1, was " + prefetch);
    }
    this.prefetch = prefetch;
    this.replenish = Math.max(1, prefetch - prefetch / 4);
    // room for the items plus one terminal signal
    this.queue = new ArrayBlockingQueue<>(prefetch + 1);
  }

  private record Failure(Throwable error) {}

  @Override
  public void onSubscribe(Flow.Subscription s) {
    synchronized (lock) {
      if (subscription != null || closed) {
        s.cancel();
        return;
      }
      subscription = s;
    }
    s.request(prefetch);
  }

  @Override
  public void onNext(T item) {
    // the queue has room for everything requested: a full queue means the publisher ignored demand
    if (!queue.offer(item)) {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      queue.clear();
      queue.offer(
          new Failure(
              new IllegalStateException(
                  "the publisher sent more items than requested (Reactive Streams rule 1.1)")));
    }
  }

  @Override
  public void onError(Throwable error) {
    terminal(new Failure(error));
  }

  @Override
  public void onComplete() {
    terminal(COMPLETE);
  }

  private void terminal(Object signal) {
    if (!queue.offer(signal)) {
      queue.clear(); // only after a rule 1.1 violation; the failure it left is the answer
      queue.offer(
          new Failure(new IllegalStateException("the publisher broke Reactive Streams rule 1.1")));
    }
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      if (closed) {
        return false;
      }
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        close();
        Thread.currentThread().interrupt();
        throw Status.CANCELLED
            .withDescription("interrupted while waiting for the next item")
            .asException();
      }
    }
    if (next == COMPLETE) {
      return false;
    }
    if (next instanceof Failure f) {
      closed = true;
      throw rethrow(f.error());
    }
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    T item = (T) next;
    next = null;
    if (++consumedSinceRequest == replenish) {
      consumedSinceRequest = 0;
      Flow.Subscription s = subscription;
      if (s != null && !closed) {
        s.request(replenish);
      }
    }
    return item;
  }

  /** Cancels the subscription; the iteration ends. Idempotent. */
  @Override
  public void close() {
    Flow.Subscription s;
    synchronized (lock) {
      closed = true;
      s = subscription;
    }
    if (s != null) {
      s.cancel();
    }
    queue.offer(
        COMPLETE); // wakes a consumer waiting in hasNext (if the queue is full, none is waiting)
  }

  /** A fresh exception with the consumer's stack trace, keeping status and trailers. */
  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RpcException e) {
      return new RpcException(e.status(), e.trailers());
    }
    if (t instanceof RuntimeException e) {
      return e;
    }
    return Status.UNKNOWN.withDescription(String.valueOf(t)).withCause(t).asException();
  }
}
