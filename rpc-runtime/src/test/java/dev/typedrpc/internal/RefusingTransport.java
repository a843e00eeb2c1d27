package dev.typedrpc.internal;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection that goes away as its first stream ends its request (once it is up): the channel
 * hears of the shutdown, then the stream is refused unprocessed, as a server's GOAWAY does to a
 * stream above its last stream id. Until then it is the real connection it wraps. For
 * transparent-retry tests: the scheme {@code refusing://<name>:<port>/} reaches the in-memory
 * server {@code <name>}, and while {@link #LEFT} is positive each new connection is one of these.
 */
final class RefusingTransport implements ClientTransport {
  /** How many of the next connections refuse their first stream. */
  static final AtomicInteger LEFT = new AtomicInteger();

  private final ClientTransport real;
  private Listener listener;
  private boolean refusedOne;
  private boolean ready;
  private Runnable refuseWhenReady;

  RefusingTransport(ClientTransport real) {
    this.real = real;
  }

  @Override
  public void start(Listener listener) {
    this.listener = listener;
    real.start(
        new Listener() {
          @Override
          public void transportReady() {
            listener.transportReady();
            Runnable refusal;
            synchronized (RefusingTransport.this) {
              ready = true;
              refusal = refuseWhenReady;
            }
            if (refusal != null) {
              refusal.run();
            }
          }

          @Override
          public void transportShutdown(Status reason) {
            listener.transportShutdown(reason);
          }

          @Override
          public void transportTerminated() {
            listener.transportTerminated();
          }

          @Override
          public java.util.List<dev.typedrpc.ServiceVersion> localServices() {
            return listener.localServices();
          }

          @Override
          public void serverServices(java.util.List<dev.typedrpc.ServiceVersion> services) {
            listener.serverServices(services);
          }
        });
  }

  @Override
  public synchronized ClientStream newStream(
      MethodDescriptor<?, ?> method, Metadata headers, Deadline deadline, ClientStreamListener l) {
    if (refusedOne) {
      return real.newStream(method, headers, deadline, l);
    }
    refusedOne = true;
    return new Refused(l);
  }

  @Override
  public void shutdown(Status reason) {
    real.shutdown(reason);
  }

  @Override
  public void shutdownNow(Status reason) {
    real.shutdownNow(reason);
  }

  /** Keeps what is written; at the end of the request, the connection goes away and refuses it. */
  private final class Refused implements ClientStream {
    private final ClientStreamListener l;
    private boolean done;

    Refused(ClientStreamListener l) {
      this.l = l;
    }

    @Override
    public void request(int n) {}

    @Override
    public void writeMessage(Object message) {}

    @Override
    public void halfClose() {
      synchronized (RefusingTransport.this) {
        if (!ready) { // a GOAWAY comes once the connection is up
          refuseWhenReady = this::refuse;
          return;
        }
      }
      refuse();
    }

    private synchronized void refuse() {
      if (done) {
        return;
      }
      done = true;
      Status away = Status.UNAVAILABLE.withDescription("test: went away before processing");
      listener.transportShutdown(away);
      real.shutdown(away);
      l.onRefused(away);
    }

    @Override
    public synchronized void cancel(Status status) {
      if (!done) {
        done = true;
        l.onClose(status, Metadata.EMPTY);
      }
    }

    @Override
    public long demand() {
      return done ? 0 : 1;
    }
  }
}
