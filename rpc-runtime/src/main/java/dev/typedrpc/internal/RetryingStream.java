package dev.typedrpc.internal;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.RetryPolicy;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.MessageCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A call's attempts: gRPC's transparent retry and, with a {@link RetryPolicy}, its configured
 * retries.
 *
 * <p>Transparent retry: an attempt whose stream the server provably never started ({@link
 * ClientStreamListener#onRefused}: never sent, or above a GOAWAY's last stream id, or refused) is
 * sent once more on a new stream of the channel, replaying what the caller did so far; it does not
 * count as an attempt. Without a policy nothing else is ever sent again, so a call that may have
 * run never runs twice.
 *
 * <p>With a policy, an attempt that closes with a retryable status is sent again after the policy's
 * back-off (or the server's pushback), with {@code grpc-previous-rpc-attempts}, up to the policy's
 * attempts, before the deadline, and while the channel's throttle allows.
 *
 * <p>Until the call commits (its first response headers or message, the end of its retries, or more
 * than {@link #BUFFER_LIMIT} bytes of request messages), the request messages, the credit granted
 * and the half-close are kept for a replay; after that nothing is kept and every method just
 * forwards. Thread-safe: the caller's methods, the transport's callbacks and the retry timer meet
 * under this object's lock until the call commits.
 */
final class RetryingStream implements ClientStream, ClientStreamListener {
  /**
   * Bytes of request messages (each counted with gRPC's 5-byte frame prefix) kept for a replay, as
   * gRPC's per-call retry buffer; a call that sends more before it commits is not sent again.
   */
  static final int BUFFER_LIMIT = 64 * 1024;

  /** The request header that tells the server how many attempts came before this one. */
  static final String PREVIOUS_ATTEMPTS = "grpc-previous-rpc-attempts";

  /** The response trailer with the server's pushback, in milliseconds. */
  static final String PUSHBACK = "grpc-retry-pushback-ms";

  private static final int FRAME_PREFIX = 5;

  private final ChannelImpl channel;
  private final MethodDescriptor<?, ?> method;
  private final Metadata headers;
  private final Deadline deadline;
  private final boolean waitForReady;
  private final ClientStreamListener listener;

  /** The policy and its state; null for the transparent retry only (most calls). */
  private final PolicyRetries retries;

  private volatile ClientStream current;

  /** No replay can happen any more: {@link #current} is final and the caller's methods forward. */
  private volatile boolean committed;

  // guarded by this until committed:
  private List<Object> sent = List.of();
  private int bufferedBytes; // at most BUFFER_LIMIT
  private long requested;
  private boolean halfClosed;

  /** The encoded size the stub computed for the last message, or -1 (guarded by this). */
  private int lastSize = -1;

  private Status cancelled;
  private boolean transparentUsed;

  /** A retry waits for its timer ({@link PolicyRetries#timer}): {@link #current} is closed. */
  private boolean retryPending;

  /** Counts the streams opened; a replay whose stream was replaced as it opened stops. */
  private int generation;

  /**
   * What a call with a {@link RetryPolicy} keeps besides, in an object of its own so that a call
   * without one does not carry it. Guarded by the stream's lock.
   */
  private static final class PolicyRetries {
    final RetryPolicy policy;
    final RetryThrottle throttle; // null: not throttled

    /** Attempts started under the policy, the first included. */
    int attempts = 1;

    /** The exponent of the next back-off; pushback resets it. */
    int backoffStep;

    /** The timer of the retry that waits ({@code retryPending}). */
    ScheduledFuture<?> timer;

    /** How the attempt waiting for its retry closed: what the caller hears if none follows. */
    Status lastStatus;

    Metadata lastTrailers;

    PolicyRetries(RetryPolicy policy, RetryThrottle throttle) {
      this.policy = policy;
      this.throttle = throttle;
    }
  }

  private RetryingStream(
      ChannelImpl channel,
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      boolean waitForReady,
      ClientStreamListener listener,
      RetryPolicy policy,
      RetryThrottle throttle) {
    this.channel = channel;
    this.method = method;
    this.headers = headers;
    this.deadline = deadline;
    this.waitForReady = waitForReady;
    this.listener = listener;
    this.retries = policy == null ? null : new PolicyRetries(policy, throttle);
  }

  /** Opens the call's first stream on {@code channel}; {@code policy} may be null. */
  static ClientStream start(
      ChannelImpl channel,
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      boolean waitForReady,
      ClientStreamListener listener,
      RetryPolicy policy) {
    RetryingStream r =
        new RetryingStream(
            channel,
            method,
            headers,
            deadline,
            waitForReady,
            listener,
            policy,
            policy == null ? null : channel.retryThrottle());
    synchronized (r) {
      r.generation = 1;
      ClientStream first = channel.newStream(method, headers, deadline, waitForReady, r);
      if (r.generation == 1) { // else it was refused at once and already replaced
        r.current = first;
      }
    }
    return r;
  }

  // ---------------------------------------------------------------- the caller (any thread)

  @Override
  public void request(int n) {
    if (committed) {
      current.request(n);
      return;
    }
    synchronized (this) {
      if (!committed) {
        requested = Math.min(Integer.MAX_VALUE, requested + n);
      }
      if (!retryPending) {
        current.request(n);
      }
    }
  }

  @Override
  public void writeMessage(Object message) {
    if (committed) {
      current.writeMessage(message);
      return;
    }
    boolean close;
    synchronized (this) {
      close = keep(message, -1);
      if (!retryPending) {
        current.writeMessage(message);
      }
    }
    closeIf(close);
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
    if (committed) {
      write(current, message, encodedSize);
      return;
    }
    boolean close;
    synchronized (this) {
      close = keep(message, encodedSize);
      halfClosed = true;
      lastSize = encodedSize;
      if (!retryPending) {
        write(current, message, encodedSize);
      }
    }
    closeIf(close);
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
    if (committed) {
      current.halfClose();
      return;
    }
    synchronized (this) {
      halfClosed = true;
      if (!retryPending) {
        current.halfClose();
      }
    }
  }

  @Override
  public void cancel(Status status) {
    ClientStream s;
    boolean closeNow;
    synchronized (this) {
      cancelled = status; // no retry from now on
      closeNow = stopPendingRetry();
      if (closeNow) {
        retries.lastStatus = status;
        retries.lastTrailers = Metadata.EMPTY;
      }
      s = current;
    }
    if (closeNow) {
      listener.onClose(status, Metadata.EMPTY);
    } else if (s != null) {
      s.cancel(status);
    }
  }

  @Override
  public long demand() {
    ClientStream s = current;
    return s == null || retryPending ? 0 : s.demand();
  }

  /**
   * Holding the lock: keeps a message for a replay, or commits when the buffer would overflow; true
   * if that ended a call waiting for its retry (the caller then closes it, without the lock).
   */
  private boolean keep(Object message, int encodedSize) {
    if (committed) {
      return false;
    }
    long size = encodedSize >= 0 ? encodedSize : sizeOf(message);
    if (size < 0 || bufferedBytes + size + FRAME_PREFIX > BUFFER_LIMIT) {
      return commitHoldingLock();
    }
    bufferedBytes += (int) size + FRAME_PREFIX; // size is below BUFFER_LIMIT here
    if (sent.isEmpty()) {
      sent =
          Collections.singletonList(message); // most calls send one message: no list of their own
    } else {
      if (!(sent instanceof ArrayList)) {
        sent = new ArrayList<>(sent);
      }
      sent.add(message);
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private long sizeOf(Object message) {
    try {
      return ((MessageCodec<Object>) method.requestCodec()).encodedSize(message);
    } catch (RuntimeException e) {
      return -1; // the transport reports what is wrong with it; it is not kept
    }
  }

  /** Holding the lock: commits; true if a retry was waiting (the call must now be closed). */
  private boolean commitHoldingLock() {
    boolean close = stopPendingRetry();
    committed = true;
    sent = List.of();
    return close;
  }

  /** Holding the lock: cancels a waiting retry; whether there was one. */
  private boolean stopPendingRetry() {
    if (!retryPending) {
      return false;
    }
    retryPending = false;
    retries.timer.cancel(false);
    return true;
  }

  private void closeIf(boolean close) {
    if (close) {
      Status s;
      Metadata t;
      synchronized (this) {
        s = retries.lastStatus;
        t = retries.lastTrailers;
      }
      listener.onClose(s, t);
    }
  }

  private void commit() {
    if (!committed) {
      synchronized (this) {
        committed = true;
        sent = List.of();
      }
    }
  }

  // ---------------------------------------------------------------- the transport

  @Override
  public void onHeaders(Metadata h) {
    commit(); // the server started the call
    listener.onHeaders(h);
  }

  @Override
  public void onMessage(Object message) {
    commit();
    listener.onMessage(message);
  }

  @Override
  public void onReady() {
    listener.onReady();
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    PolicyRetries r = retries;
    boolean mayRetry = true;
    if (r != null && r.throttle != null) {
      if (status.isOk()) {
        r.throttle.onSuccess();
      } else if (r.policy.isRetryable(status.code())) {
        mayRetry = r.throttle.onFailureThenMayRetry();
      }
    }
    if (r != null && !committed) {
      synchronized (this) {
        if (!committed && mayRetry && cancelled == null) {
          long delay = retryDelayNanos(r, status, trailers);
          if (delay >= 0) {
            r.lastStatus = status;
            r.lastTrailers = trailers;
            retryPending = true;
            r.timer = Executors2.timers().schedule(this::retryNow, delay, TimeUnit.NANOSECONDS);
            return;
          }
        }
      }
    }
    commit();
    listener.onClose(status, trailers);
  }

  /** Holding the lock: how long to wait before the next attempt, or -1 for none. */
  private long retryDelayNanos(PolicyRetries r, Status status, Metadata trailers) {
    if (!r.policy.isRetryable(status.code()) || r.attempts >= r.policy.maxAttempts()) {
      return -1;
    }
    long delay;
    String pushback = trailers.get(PUSHBACK);
    if (pushback != null) {
      long ms = parsePushback(pushback);
      if (ms < 0) {
        return -1; // the server says: do not retry
      }
      delay = TimeUnit.MILLISECONDS.toNanos(ms);
      r.backoffStep = 0;
    } else {
      r.backoffStep++;
      delay = r.policy.backoffNanos(r.backoffStep, ThreadLocalRandom.current().nextDouble());
    }
    if (deadline != null && deadline.remainingNanos() <= delay) {
      return -1; // it would start after the deadline
    }
    return delay;
  }

  /** A pushback's milliseconds, or -1 if it is negative or not a number (both stop retries). */
  static long parsePushback(String value) {
    String v = value.trim();
    if (v.isEmpty() || v.length() > 10) {
      return -1;
    }
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') {
        return -1;
      }
    }
    long ms = Long.parseLong(v);
    return ms > Integer.MAX_VALUE ? -1 : ms;
  }

  /** The retry timer: the next attempt, unless the call was cancelled or committed meanwhile. */
  private void retryNow() {
    synchronized (this) {
      if (!retryPending) {
        return;
      }
      retryPending = false;
      int attempts = ++retries.attempts;
      transparentUsed = false;
      Metadata md =
          headers.toBuilder().put(PREVIOUS_ATTEMPTS, Integer.toString(attempts - 1)).build();
      replay(md);
    }
  }

  @Override
  public void onRefused(Status status) {
    synchronized (this) {
      if (!committed && !transparentUsed && cancelled == null) {
        transparentUsed = true;
        int attempts = retries == null ? 1 : retries.attempts;
        Metadata md =
            attempts == 1
                ? headers
                : headers.toBuilder()
                    .put(PREVIOUS_ATTEMPTS, Integer.toString(attempts - 1))
                    .build();
        replay(md);
        if (retries == null) {
          committed = true; // nothing else may send it again: the caller's methods just forward
          sent = List.of();
        }
        return;
      }
    }
    onClose(status, Metadata.EMPTY); // may still be retried by the policy
  }

  /**
   * Holding the lock: the next attempt, on a new stream, with what the caller did. The caller's
   * methods wait on the lock meanwhile, and go to the new stream after it.
   */
  private void replay(Metadata md) {
    List<Object> messages = retries == null ? sent : List.copyOf(sent);
    int mine = ++generation;
    ClientStream next = channel.newStream(method, md, deadline, waitForReady, this);
    if (retryPending || generation != mine) {
      return; // it failed or was refused at once: its retry is scheduled, or already sent
    }
    current = next;
    if (requested > 0) {
      next.request((int) requested);
    }
    int n = messages.size();
    for (int i = 0; i < n; i++) {
      if (halfClosed && i == n - 1) {
        write(next, messages.get(i), lastSize);
      } else {
        next.writeMessage(messages.get(i));
      }
    }
    if (halfClosed && n == 0) {
      next.halfClose();
    }
  }
}
