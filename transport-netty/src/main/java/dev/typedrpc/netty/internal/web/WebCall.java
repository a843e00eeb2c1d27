package dev.typedrpc.netty.internal.web;

import dev.typedrpc.Metadata;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.netty.internal.grpc.H2Limits;
import dev.typedrpc.netty.internal.tls.PeerCertificates;
import dev.typedrpc.spi.ServerStream;
import dev.typedrpc.spi.ServerStreamListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.EventExecutor;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Connect or gRPC-Web call on a server connection: the {@link ServerStream} the server's calls
 * write to. Its request messages were all read and decoded before it started (the body is bounded
 * by the message size limit); they are delivered as the call asks for them. Responses go out
 * through the protocol's {@link WebResponder} to the {@link WebExchange}.
 *
 * <p>The {@link ServerStream} methods may be called from any thread and run on the channel's event
 * loop in the order called; everything else runs on the loop. Flow control: {@link #demand()} is
 * {@link H2Limits#SEND_WINDOW} minus the messages not yet handed to the exchange while it is
 * writable, else 0; {@code onReady} follows when that changes.
 */
public final class WebCall implements ServerStream {
  private final ChannelHandlerContext ctx;
  private final EventExecutor loop;
  private final WebResponder responder;
  private final WebProtocol protocol;
  private final ArrayDeque<Object> requests;
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean closeCalled = new AtomicBoolean();
  private volatile boolean writable;
  private volatile boolean finished; // written on the loop
  private ServerStreamListener listener; // loop only, as below
  private int requested;
  private boolean halfClosed;

  WebCall(
      WebExchange exchange, WebResponder responder, WebProtocol protocol, List<Object> requests) {
    this.ctx = exchange.context();
    this.loop = ctx.executor();
    this.responder = responder;
    this.protocol = protocol;
    this.requests = new ArrayDeque<>(requests);
    this.writable = exchange.isWritable();
  }

  /** Starts delivering requests to the server's call (loop). */
  void start(ServerStreamListener listener) {
    this.listener = listener;
    deliver();
  }

  /** Whether the call has ended, either way. */
  public boolean finished() {
    return finished;
  }

  // ---------------------------------------------------------------- from the adapter (loop)

  /** The exchange's writability changed. */
  public void writabilityChanged(boolean nowWritable) {
    boolean was = writable;
    writable = nowWritable;
    if (nowWritable && !was && !finished && listener != null) {
      listener.onReady();
    }
  }

  /** The client went away (disconnect, stream reset): the server's call is cancelled. */
  public void cancelled(Status status) {
    if (!finished) {
      finished = true;
      responder.release();
      requests.clear();
      if (listener != null) {
        listener.onCancel(status);
      }
    }
  }

  // ---------------------------------------------------------------- ServerStream (any thread)

  @Override
  public void request(int n) {
    onLoop(
        () -> {
          requested = (int) Math.min(Integer.MAX_VALUE, (long) requested + n);
          deliver();
        });
  }

  private void deliver() {
    while (!finished && listener != null && requested > 0 && !requests.isEmpty()) {
      requested--;
      Object message = requests.poll();
      listener.onMessage(message == WebDispatcher.NULL ? null : message);
    }
    if (!finished && listener != null && requests.isEmpty() && !halfClosed) {
      halfClosed = true;
      listener.onHalfClose();
    }
  }

  @Override
  public void writeHeaders(Metadata headers) {
    onLoop(
        () -> {
          if (!finished) {
            responder.headers(headers);
          }
        });
  }

  @Override
  public void setCompression(String name) {
    onLoop(() -> responder.compression(name));
  }

  @Override
  public void writeMessage(Object message) {
    queued.incrementAndGet();
    onLoop(
        () -> {
          int left = queued.decrementAndGet();
          if (finished) {
            return;
          }
          try {
            responder.message(message);
          } catch (RpcException e) {
            fail(e.status());
            return;
          }
          if (left == H2Limits.SEND_WINDOW - 1 && writable && listener != null) {
            listener.onReady();
          }
        });
  }

  @Override
  public void close(Status status, Metadata trailers) {
    if (closeCalled.compareAndSet(false, true)) {
      onLoop(() -> finish(status, trailers));
    }
  }

  @Override
  public long demand() {
    if (finished || closeCalled.get() || !writable) {
      return 0;
    }
    return Math.max(0, H2Limits.SEND_WINDOW - queued.get());
  }

  @Override
  public String transport() {
    return protocol.transportName();
  }

  @Override
  public List<X509Certificate> peerCertificates() {
    return PeerCertificates.of(ctx.channel());
  }

  @Override
  public String peer() {
    return String.valueOf(ctx.channel().remoteAddress());
  }

  // ---------------------------------------------------------------- ending (loop)

  private void finish(Status status, Metadata trailers) {
    if (finished) {
      return;
    }
    finished = true;
    requests.clear();
    responder.close(status, trailers);
  }

  /** The call broke a limit writing: the client hears why, the implementation is cancelled. */
  private void fail(Status status) {
    if (finished) {
      return;
    }
    finish(status, Metadata.EMPTY);
    if (listener != null) {
      listener.onCancel(status);
    }
  }

  private void onLoop(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
      return;
    }
    try {
      loop.execute(task);
    } catch (RejectedExecutionException e) {
      // the connection's loop is gone: the call has already been cancelled
    }
  }
}
