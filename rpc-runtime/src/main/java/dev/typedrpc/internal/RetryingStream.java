package dev.typedrpc.internal;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import java.util.ArrayList;
import java.util.List;

/**
 * gRPC's transparent retry: a call whose stream the server provably never started ({@link
 * ClientStreamListener#onRefused}: never sent, or above a GOAWAY's last stream id, or refused) is
 * sent once more on a new stream of the channel (a new connection once the old one went away),
 * replaying what the caller did so far. A call that may have run is never retried, so no call runs
 * twice.
 *
 * <p>Until the call commits (its first response headers or message, a second attempt, or more than
 * {@link #MAX_REPLAY_MESSAGES} request messages), the request messages, the credit granted and the
 * half-close are kept for the replay; after that nothing is kept and every method just forwards.
 * Thread-safe: the caller's methods and the transport's callbacks meet under this object's lock
 * until the call commits.
 */
final class RetryingStream implements ClientStream, ClientStreamListener {
  /**
   * Request messages kept for a replay; a call that sends more before it commits is not retried.
   */
  static final int MAX_REPLAY_MESSAGES = 16;

  private final ChannelImpl channel;
  private final MethodDescriptor<?, ?> method;
  private final Metadata headers;
  private final Deadline deadline;
  private final boolean waitForReady;
  private final ClientStreamListener listener;

  private volatile ClientStream current;

  /** No replay can happen any more: {@link #current} is final and the caller's methods forward. */
  private volatile boolean committed;

  // guarded by this until committed:
  private List<Object> sent = new ArrayList<>(1);
  private long requested;
  private boolean halfClosed;

  /** The encoded size the stub computed for the last message, or -1 (guarded by this). */
  private int lastSize = -1;

  private Status cancelled;
  private boolean retried;

  private RetryingStream(
      ChannelImpl channel,
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      boolean waitForReady,
      ClientStreamListener listener) {
    this.channel = channel;
    this.method = method;
    this.headers = headers;
    this.deadline = deadline;
    this.waitForReady = waitForReady;
    this.listener = listener;
  }

  /** Opens the call's first stream on {@code channel}. */
  static ClientStream start(
      ChannelImpl channel,
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      boolean waitForReady,
      ClientStreamListener listener) {
    RetryingStream r =
        new RetryingStream(channel, method, headers, deadline, waitForReady, listener);
    synchronized (r) {
      ClientStream first = channel.newStream(method, headers, deadline, waitForReady, r);
      if (r.current == null) { // else it was refused at once and already replaced
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
      current.request(n);
    }
  }

  @Override
  public void writeMessage(Object message) {
    if (committed) {
      current.writeMessage(message);
      return;
    }
    synchronized (this) {
      keep(message);
      current.writeMessage(message);
    }
  }

  @Override
  public void writeLastMessage(Object message) {
    if (committed) {
      current.writeLastMessage(message);
      return;
    }
    synchronized (this) {
      keep(message);
      halfClosed = true;
      current.writeLastMessage(message);
    }
  }

  @Override
  public void writeLastMessage(Object message, int encodedSize) {
    if (committed) {
      current.writeLastMessage(message, encodedSize);
      return;
    }
    synchronized (this) {
      keep(message);
      halfClosed = true;
      lastSize = encodedSize;
      current.writeLastMessage(message, encodedSize);
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
      current.halfClose();
    }
  }

  @Override
  public void cancel(Status status) {
    ClientStream s;
    synchronized (this) {
      cancelled = status; // a refusal from now on is not retried
      s = current;
    }
    if (s != null) {
      s.cancel(status);
    }
  }

  @Override
  public long demand() {
    ClientStream s = current;
    return s == null ? 0 : s.demand();
  }

  /** Holding the lock: keeps a message for a replay, or commits when too many were sent. */
  private void keep(Object message) {
    if (committed) {
      return;
    }
    if (sent.size() >= MAX_REPLAY_MESSAGES) {
      commit();
    } else {
      sent.add(message);
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
    commit();
    listener.onClose(status, trailers);
  }

  @Override
  public void onRefused(Status status) {
    synchronized (this) {
      if (committed || retried || cancelled != null) {
        committed = true;
      } else {
        retried = true;
        replay();
        return;
      }
    }
    listener.onClose(status, Metadata.EMPTY);
  }

  /**
   * Holding the lock: the second and last attempt, on a new stream, with what the caller did. The
   * caller's methods wait on the lock meanwhile, and go to the new stream after it.
   */
  private void replay() {
    List<Object> messages = sent;
    sent = List.of();
    ClientStream next = channel.newStream(method, headers, deadline, waitForReady, this);
    current = next;
    if (requested > 0) {
      next.request((int) requested);
    }
    int n = messages.size();
    for (int i = 0; i < n; i++) {
      if (halfClosed && i == n - 1 && lastSize >= 0) {
        next.writeLastMessage(messages.get(i), lastSize);
      } else if (halfClosed && i == n - 1) {
        next.writeLastMessage(messages.get(i));
      } else {
        next.writeMessage(messages.get(i));
      }
    }
    if (halfClosed && n == 0) {
      next.halfClose();
    }
    committed = true; // from now on the caller's methods go to the new stream without the lock
  }
}
