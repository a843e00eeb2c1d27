package dev.typedrpc.internal;

import dev.typedrpc.Status;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscribes to a {@link Flow.Publisher} and forwards its items to a stream, asking the publisher
 * only for as many items as the stream can send now (the peer's credit, while the connection is
 * writable), so nothing buffers without bound. Thread-safe: the publisher and the transport call it
 * from their own threads.
 *
 * <p>A publisher that breaks the Reactive Streams rules gets the same answer on every transport,
 * before the transport sees anything: an item it was not asked for (rule 1.1) or a null item (rule
 * 2.13) cancels it and fails the stream with {@code INTERNAL}; a {@code request} or {@code
 * subscribe} that throws (rule 3.16) cancels it and fails the stream with that exception; a second
 * {@code onSubscribe} is cancelled (rule 2.5); signals after the first {@code onComplete}/{@code
 * onError} are ignored (rule 1.7). A publisher that emits synchronously from {@code request}
 * (re-entrantly) is served by a loop, never by recursion.
 */
public final class OutboundPump<T> implements Flow.Subscriber<T> {
  private static final Logger log = LoggerFactory.getLogger(OutboundPump.class);

  /** Most items requested from the publisher and not yet received. */
  static final int MAX_OUTSTANDING = 32;

  /** Where the items go. */
  public interface Target<T> {
    /** Items the stream can take now. */
    long demand();

    void send(T item);

    void complete();

    void fail(Throwable error);

    /** What the publisher is, for messages about its misbehaviour. */
    default String describe() {
      return "the publisher";
    }
  }

  private final Target<T> target;
  private Flow.Subscription upstream;
  private long outstanding;
  private boolean done;

  /** A thread is in the refill loop; another refill only marks {@link #missed}. */
  private boolean refilling;

  private boolean missed;

  public OutboundPump(Target<T> target) {
    this.target = target;
  }

  /**
   * Subscribes to {@code publisher}; a {@code subscribe} that throws fails the stream (rule 1.9).
   */
  public void subscribeTo(Flow.Publisher<? extends T> publisher) {
    try {
      publisher.subscribe(this);
    } catch (RuntimeException e) {
      abort(e);
    }
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
    String violation = null;
    synchronized (this) {
      if (done) {
        return;
      }
      if (outstanding <= 0) {
        // sent without credit, this item would overrun the peer's window or a buffer: stop the
        // publisher
        violation = "sent an item it was not asked for (Reactive Streams rule 1.1)";
      } else if (item == null) {
        violation = "emitted null (Reactive Streams rule 2.13)";
      } else {
        outstanding--;
      }
    }
    if (violation != null) {
      violation(violation);
      return;
    }
    target.send(item);
    refill();
  }

  @Override
  public void onError(Throwable error) {
    failOnce(error);
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
    cancelQuietly(s);
  }

  /** Cancels the publisher and ends the stream with INTERNAL, unless it ended already. */
  private void violation(String what) {
    Flow.Subscription s;
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      s = upstream;
    }
    String message = target.describe() + " " + what;
    log.warn("{}: cancelled it and failed the call", message);
    cancelQuietly(s);
    target.fail(Status.INTERNAL.withDescription(message).asException());
  }

  /** Cancels the publisher and ends the stream with {@code error}, unless it ended already. */
  private void abort(Throwable error) {
    Flow.Subscription s;
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      s = upstream;
    }
    cancelQuietly(s);
    target.fail(error);
  }

  private void failOnce(Throwable error) {
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
    }
    target.fail(error);
  }

  /**
   * Asks the publisher for what the stream can take, in batches: once at least half of the window
   * ({@code min(demand, MAX_OUTSTANDING)}) is missing, not one item per item sent. When nothing is
   * outstanding the whole window is missing, so the stream never waits for a request that is not
   * made.
   */
  private void refill() {
    long want;
    Flow.Subscription s;
    synchronized (this) {
      if (refilling) {
        missed = true; // the running loop asks again: no recursion when the publisher emits from
        // request()
        return;
      }
      want = wanted();
      if (want <= 0) {
        return; // the common case after an item: enough is outstanding
      }
      refilling = true;
      outstanding += want;
      s = upstream;
    }
    while (true) {
      try {
        s.request(want);
      } catch (RuntimeException e) {
        synchronized (this) {
          refilling = false;
        }
        abort(e); // rule 3.16: request must return normally
        return;
      }
      synchronized (this) {
        if (!missed) {
          refilling = false;
          return;
        }
        missed = false;
        want = wanted();
        if (want <= 0) {
          refilling = false;
          return;
        }
        outstanding += want;
        s = upstream;
      }
    }
  }

  /** Items to request now; 0 while more than half the window is outstanding. Holds the lock. */
  private long wanted() {
    if (done || upstream == null) {
      return 0;
    }
    long window = Math.min(target.demand(), MAX_OUTSTANDING);
    long want = window - outstanding;
    return want > 0 && want * 2 >= window ? want : 0;
  }

  private static void cancelQuietly(Flow.Subscription s) {
    if (s == null) {
      return;
    }
    try {
      s.cancel();
    } catch (RuntimeException e) {
      log.warn("a publisher's cancel() threw (Reactive Streams rule 3.15)", e);
    }
  }
}
