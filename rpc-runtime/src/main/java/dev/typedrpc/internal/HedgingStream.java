package dev.typedrpc.internal;

import dev.typedrpc.Deadline;
import dev.typedrpc.HedgingPolicy;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.MessageCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A unary call's hedged attempts, as a {@link HedgingPolicy} says: the first at once, one more each
 * time the policy's delay passes with none answered (at once after a non-fatal failure, after the
 * server's pushback if it sent one), each with {@code grpc-previous-rpc-attempts}. The first
 * attempt to answer (headers, a message, or {@code OK}) wins: the others are cancelled, and from
 * then on every method forwards to it. A fatal failure ends the call and cancels the others; when
 * every attempt failed and no more may go out, the call ends with the last failure.
 *
 * <p>Each attempt has its own transparent retry: a stream the server provably never started is sent
 * once more without counting as an attempt. What the caller sent is kept (up to {@link
 * RetryingStream#BUFFER_LIMIT} bytes) for the attempts still to come; a larger request stops new
 * attempts. Thread-safe: the caller's methods, the attempts' callbacks and the hedge timer meet
 * under this object's lock until an attempt wins.
 */
final class HedgingStream implements ClientStream {
  private static final int FRAME_PREFIX = 5;

  private static final Status LOST =
      Status.CANCELLED.withDescription("another hedged attempt answered first");

  private final ChannelImpl channel;
  private final MethodDescriptor<?, ?> method;
  private final Metadata headers;
  private final Deadline deadline;
  private final boolean waitForReady;
  private final ClientStreamListener listener;
  private final HedgingPolicy policy;
  private final RetryThrottle throttle; // null: not throttled

  /** The attempt that answered first: the call is its from then on. */
  private volatile Attempt winner;

  // guarded by this:
  private final List<Attempt> active = new ArrayList<>(2);
  private List<Object> sent = new ArrayList<>(1);
  private long bufferedBytes;
  private boolean overflowed;
  private long requested;
  private boolean halfClosed;
  private int lastSize = -1;

  /** Attempts sent, the first included (transparent re-sends do not count). */
  private int started;

  /** No new attempt may go out: pushback said so, or the request did not fit the buffer. */
  private boolean noMoreAttempts;

  private ScheduledFuture<?> hedgeTimer;

  /** Identifies the current hedge timer: a replaced timer that runs anyway does nothing. */
  private int timerGeneration;

  /** The call ended without a winner (a fatal failure, every attempt failed, or a cancel). */
  private boolean closed;

  private Status lastStatus;
  private Metadata lastTrailers;

  private HedgingStream(
      ChannelImpl channel,
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      boolean waitForReady,
      ClientStreamListener listener,
      HedgingPolicy policy) {
    this.channel = channel;
    this.method = method;
    this.headers = headers;
    this.deadline = deadline;
    this.waitForReady = waitForReady;
    this.listener = listener;
    this.policy = policy;
    this.throttle = channel.retryThrottle();
  }

  /** Sends the call's first attempt on {@code channel}, and schedules the next. */
  static ClientStream start(
      ChannelImpl channel,
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      boolean waitForReady,
      ClientStreamListener listener,
      HedgingPolicy policy) {
    HedgingStream h =
        new HedgingStream(channel, method, headers, deadline, waitForReady, listener, policy);
    synchronized (h) {
      h.sendAttempt();
    }
    return h;
  }

  // ---------------------------------------------------------------- the caller (any thread)

  @Override
  public void request(int n) {
    ClientStream w = winnerStream();
    if (w != null) {
      w.request(n);
      return;
    }
    synchronized (this) {
      requested = Math.min(Integer.MAX_VALUE, requested + n);
      for (Attempt a : active) {
        if (a.stream != null) {
          a.stream.request(n);
        }
      }
    }
  }

  @Override
  public void writeMessage(Object message) {
    ClientStream w = winnerStream();
    if (w != null) {
      w.writeMessage(message);
      return;
    }
    synchronized (this) {
      keep(message, -1);
      for (Attempt a : active) {
        if (a.stream != null) {
          a.stream.writeMessage(message);
        }
      }
    }
  }

  @Override
  public void writeLastMessage(Object message) {
    writeLast(message, -1);
  }

  @Override
  public void writeLastMessage(Object message, int encodedSize) {
    writeLast(message, encodedSize);
  }

  private void writeLast(Object message, int encodedSize) {
    ClientStream w = winnerStream();
    if (w != null) {
      write(w, message, encodedSize);
      return;
    }
    synchronized (this) {
      keep(message, encodedSize);
      halfClosed = true;
      lastSize = encodedSize;
      for (Attempt a : active) {
        if (a.stream != null) {
          write(a.stream, message, encodedSize);
        }
      }
    }
  }

  private static void write(ClientStream s, Object message, int encodedSize) {
    if (encodedSize >= 0) {
      s.writeLastMessage(message, encodedSize);
    } else {
      s.writeLastMessage(message);
    }
  }

  @Override
  public void halfClose() {
    ClientStream w = winnerStream();
    if (w != null) {
      w.halfClose();
      return;
    }
    synchronized (this) {
      halfClosed = true;
      for (Attempt a : active) {
        if (a.stream != null) {
          a.stream.halfClose();
        }
      }
    }
  }

  @Override
  public void cancel(Status status) {
    List<Attempt> all;
    synchronized (this) {
      if (winner == null) {
        if (closed) {
          return;
        }
        closed = true; // the attempts' ends are ignored from now on
        stopTimer();
        all = List.copyOf(active);
        active.clear();
      } else {
        all = null;
      }
    }
    if (all == null) {
      ClientStream w = winnerStream();
      if (w != null) {
        w.cancel(status);
      }
      return;
    }
    for (Attempt a : all) {
      a.cancel(status);
    }
    listener.onClose(status, Metadata.EMPTY);
  }

  @Override
  public long demand() {
    ClientStream w = winnerStream();
    if (w != null) {
      return w.demand();
    }
    synchronized (this) {
      for (Attempt a : active) {
        if (a.stream != null) {
          return a.stream.demand();
        }
      }
    }
    return 0;
  }

  private ClientStream winnerStream() {
    Attempt w = winner;
    return w == null ? null : w.stream;
  }

  /** Holding the lock: keeps a message for the attempts to come, unless it overflows the buffer. */
  private void keep(Object message, int encodedSize) {
    if (overflowed || winner != null) {
      return;
    }
    long size = encodedSize >= 0 ? encodedSize : sizeOf(message);
    if (size < 0 || bufferedBytes + size + FRAME_PREFIX > RetryingStream.BUFFER_LIMIT) {
      overflowed = true; // the attempts already sent go on; no new one could send it
      noMoreAttempts = true;
      stopTimer();
      sent = List.of();
      return;
    }
    bufferedBytes += size + FRAME_PREFIX;
    sent.add(message);
  }

  @SuppressWarnings("unchecked")
  private long sizeOf(Object message) {
    try {
      return ((MessageCodec<Object>) method.requestCodec()).encodedSize(message);
    } catch (RuntimeException e) {
      return -1; // the transport reports what is wrong with it; it is not kept
    }
  }

  // ---------------------------------------------------------------- attempts and the hedge timer

  /** Holding the lock: whether another attempt may go out now. */
  private boolean mayHedge() {
    return winner == null
        && !closed
        && !noMoreAttempts
        && started < policy.maxAttempts()
        && (deadline == null || !deadline.isExpired())
        && (throttle == null || throttle.mayRetry());
  }

  /** Holding the lock: the next attempt goes out in {@code nanos}, if one may. */
  private void scheduleHedge(long nanos) {
    stopTimer();
    if (!mayHedge() || (deadline != null && deadline.remainingNanos() <= nanos)) {
      return;
    }
    int mine = ++timerGeneration;
    hedgeTimer = Executors2.timers().schedule(() -> hedgeNow(mine), nanos, TimeUnit.NANOSECONDS);
  }

  private void stopTimer() {
    timerGeneration++;
    if (hedgeTimer != null) {
      hedgeTimer.cancel(false);
      hedgeTimer = null;
    }
  }

  /** The hedge timer: the next attempt; or, if none may go out and none is left, the call ends. */
  private void hedgeNow(int generation) {
    Status end = null;
    Metadata endTrailers = null;
    synchronized (this) {
      if (generation != timerGeneration) {
        return; // replaced or stopped
      }
      hedgeTimer = null;
      if (mayHedge()) {
        sendAttempt();
        return;
      }
      if (winner == null && !closed && active.isEmpty() && lastStatus != null) {
        closed = true;
        end = lastStatus;
        endTrailers = lastTrailers;
      }
    }
    if (end != null) {
      listener.onClose(end, endTrailers);
    }
  }

  /** Holding the lock: sends a new attempt and schedules the one after it. */
  private void sendAttempt() {
    Attempt a = new Attempt(++started);
    active.add(a);
    scheduleHedge(policy.hedgingDelay().toNanos()); // first: a failure as it opens reschedules
    open(a);
  }

  /** Holding the lock: opens {@code a}'s stream and sends it what the caller did so far. */
  private void open(Attempt a) {
    Metadata md =
        a.number == 1
            ? headers
            : headers.toBuilder()
                .put(RetryingStream.PREVIOUS_ATTEMPTS, Integer.toString(a.number - 1))
                .build();
    int mine = ++a.generation;
    ClientStream s = channel.newStream(method, md, deadline, waitForReady, a);
    if (a.done || a.generation != mine) {
      return; // it ended, or was sent again, as it opened
    }
    a.stream = s;
    if (requested > 0) {
      s.request((int) requested);
    }
    List<Object> messages = sent;
    int n = messages.size();
    for (int i = 0; i < n; i++) {
      if (halfClosed && i == n - 1) {
        write(s, messages.get(i), lastSize);
      } else {
        s.writeMessage(messages.get(i));
      }
    }
    if (halfClosed && n == 0) {
      s.halfClose();
    }
  }

  /** {@code a} answered: whether it is the winner (the others are then cancelled). */
  private boolean wins(Attempt a) {
    if (winner == a) {
      return true;
    }
    List<Attempt> losers;
    synchronized (this) {
      if (winner != null || closed || a.done) {
        return false;
      }
      winner = a;
      losers = commitTo(a);
    }
    for (Attempt l : losers) {
      l.cancel(LOST);
    }
    return true;
  }

  /** Holding the lock: {@code a} won; the attempts to cancel. */
  private List<Attempt> commitTo(Attempt a) {
    stopTimer();
    List<Attempt> losers = new ArrayList<>(active);
    losers.remove(a);
    active.clear();
    active.add(a);
    sent = List.of();
    return losers;
  }

  private void attemptClosed(Attempt a, Status status, Metadata trailers) {
    if (winner == a) {
      if (status.isOk() && throttle != null) {
        throttle.onSuccess();
      }
      listener.onClose(status, trailers);
      return;
    }
    List<Attempt> others;
    synchronized (this) {
      if (a.done) {
        return;
      }
      a.done = true;
      active.remove(a);
      if (winner != null || closed) {
        return; // it lost, or the call ended without it
      }
      if (status.isOk()) { // an answer without headers or message: it wins
        winner = a;
        others = commitTo(a);
      } else if (policy.isNonFatal(status.code())) {
        lastStatus = status;
        lastTrailers = trailers;
        if (throttle != null && !throttle.onFailureThenMayRetry()) {
          stopTimer(); // throttled: no new attempt, the others go on
        } else {
          String pushback = trailers.get(RetryingStream.PUSHBACK);
          long ms = pushback == null ? 0 : RetryingStream.parsePushback(pushback);
          if (ms < 0) {
            noMoreAttempts = true; // the server says: no more attempts
            stopTimer();
          } else {
            scheduleHedge(TimeUnit.MILLISECONDS.toNanos(ms)); // at once, without pushback
          }
        }
        if (!active.isEmpty() || hedgeTimer != null) {
          return; // another attempt may still answer
        }
        closed = true; // every attempt failed
        others = List.of();
      } else { // fatal
        closed = true;
        stopTimer();
        others = new ArrayList<>(active);
        active.clear();
      }
    }
    for (Attempt o : others) {
      o.cancel(LOST);
    }
    if (status.isOk() && throttle != null) {
      throttle.onSuccess();
    }
    listener.onClose(status, trailers);
  }

  private void attemptRefused(Attempt a, Status status) {
    synchronized (this) {
      if (!a.done && !a.transparentUsed && winner == null && !closed && !overflowed) {
        a.transparentUsed = true; // the server never started it: sent once more, not counted
        open(a);
        return;
      }
    }
    attemptClosed(a, status, Metadata.EMPTY);
  }

  /** One attempt: the listener of its stream (and of its transparent re-send). */
  private final class Attempt implements ClientStreamListener {
    final int number;

    volatile ClientStream stream;

    // guarded by HedgingStream.this:
    int generation;
    boolean done;
    boolean transparentUsed;

    Attempt(int number) {
      this.number = number;
    }

    void cancel(Status status) {
      ClientStream s = stream;
      if (s != null) {
        s.cancel(status);
      }
    }

    @Override
    public void onHeaders(Metadata h) {
      if (wins(this)) {
        listener.onHeaders(h);
      }
    }

    @Override
    public void onMessage(Object message) {
      if (wins(this)) {
        listener.onMessage(message);
      }
    }

    @Override
    public void onReady() {
      Attempt w = winner;
      if (w == this || (w == null && number == 1)) {
        listener.onReady();
      }
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      attemptClosed(this, status, trailers);
    }

    @Override
    public void onRefused(Status status) {
      attemptRefused(this, status);
    }
  }
}
