package dev.typedrpc.internal;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A stream started before it has a transport (while the transport is being chosen, or a
 * wait-for-ready call while the channel is not ready): it records what the caller does and replays
 * it on the real stream once a transport connects. Thread-safe.
 */
final class PendingStream implements ClientStream {
  final MethodDescriptor<?, ?> method;
  final Metadata headers;
  final Deadline deadline;
  final ClientStreamListener listener;

  /**
   * Told when the stream ends before it got a transport; gives the status its listener is closed
   * with.
   */
  private final UnaryOperator<Status> dropped;

  private final List<Consumer<ClientStream>> ops = new ArrayList<>(); // guarded by this

  /** Whether {@link #attach} began: operations keep queuing until the replay has caught up. */
  private boolean sent; // guarded by this

  /** Set once the replay caught up: operations go straight to it. */
  private ClientStream real; // guarded by this

  private boolean ended; // guarded by this

  PendingStream(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener) {
    this(method, headers, deadline, listener, UnaryOperator.identity());
  }

  PendingStream(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener,
      UnaryOperator<Status> dropped) {
    this.method = method;
    this.headers = headers;
    this.deadline = deadline;
    this.listener = listener;
    this.dropped = dropped;
  }

  /** The transport was chosen: start the real stream and replay, in order, what was done so far. */
  void attach(ClientTransport transport) {
    synchronized (this) {
      if (ended) {
        return;
      }
      // from here on a cancel is replayed on the real stream (it would otherwise open unnoticed,
      // never cancelled)
      sent = true;
    }
    ClientStream stream = transport.newStream(method, headers, deadline, listener);
    while (true) {
      List<Consumer<ClientStream>> batch;
      synchronized (this) {
        if (ops.isEmpty()) {
          real = stream;
          break;
        }
        batch = List.copyOf(ops);
        ops.clear();
      }
      for (Consumer<ClientStream> op : batch) {
        op.accept(stream);
      }
    }
    if (stream.demand() > 0) {
      listener.onReady(); // the caller saw demand 0 while waiting
    }
  }

  /** No transport could connect. */
  void fail(Status status) {
    synchronized (this) {
      if (ended || sent) {
        return;
      }
      ended = true;
    }
    listener.onClose(dropped.apply(status), Metadata.EMPTY);
  }

  private void run(Consumer<ClientStream> op) {
    ClientStream stream;
    synchronized (this) {
      if (ended) {
        return;
      }
      if (real == null) {
        ops.add(op);
        return;
      }
      stream = real;
    }
    op.accept(stream);
  }

  @Override
  public void request(int n) {
    run(s -> s.request(n));
  }

  @Override
  public void writeMessage(Object message) {
    run(s -> s.writeMessage(message));
  }

  @Override
  public void halfClose() {
    run(ClientStream::halfClose);
  }

  @Override
  public void writeLastMessage(Object message) {
    run(s -> s.writeLastMessage(message));
  }

  @Override
  public void writeLastMessage(Object message, int encodedSize) {
    run(s -> s.writeLastMessage(message, encodedSize));
  }

  @Override
  public void cancel(Status status) {
    boolean neverSent;
    synchronized (this) {
      if (ended) {
        return;
      }
      neverSent = !sent;
      if (neverSent) {
        ended = true;
      }
    }
    if (neverSent) {
      listener.onClose(dropped.apply(status), Metadata.EMPTY);
    } else {
      run(s -> s.cancel(status));
    }
  }

  @Override
  public synchronized long demand() {
    return real == null ? 0 : real.demand();
  }
}
