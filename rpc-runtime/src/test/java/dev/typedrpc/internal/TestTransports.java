package dev.typedrpc.internal;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.inmemory.InMemoryTransportProvider;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.ServerTransport;
import dev.typedrpc.spi.TransportProvider;
import dev.typedrpc.spi.TransportSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Transports for negotiation tests: {@code refuse} fails at once, {@code blackhole} never answers,
 * {@code memhost://<name>:<port>/} is the in-memory transport to the server named {@code <name>},
 * {@code pingy} connects, then is sent GOAWAY too_many_pings (it records its keep-alive times),
 * {@code slowstart} blocks in {@code start()} until released and refuses to be shut down before.
 */
public final class TestTransports implements TransportProvider {
  static final AtomicInteger REFUSE_ATTEMPTS = new AtomicInteger();
  static final AtomicInteger BLACKHOLE_ATTEMPTS = new AtomicInteger();
  static final AtomicInteger MEMHOST_ATTEMPTS = new AtomicInteger();

  /** The keep-alive time of each {@code pingy} transport, in order. */
  static final List<Duration> PINGY_KEEP_ALIVE_TIMES = new CopyOnWriteArrayList<>();

  @Override
  public Set<String> schemes() {
    return Set.of("refuse", "blackhole", "memhost", "pingy", "refusing", "slowstart");
  }

  @Override
  public ClientTransport newClientTransport(URI target, TransportSettings settings) {
    return switch (target.getScheme()) {
      case "refuse" -> {
        REFUSE_ATTEMPTS.incrementAndGet();
        yield new Dead(true);
      }
      case "pingy" -> {
        PINGY_KEEP_ALIVE_TIMES.add(settings.keepAlive().keepAliveTime());
        yield new TooManyPings();
      }
      case "blackhole" -> {
        BLACKHOLE_ATTEMPTS.incrementAndGet();
        yield new Dead(false);
      }
      case "slowstart" -> new SlowStart();
      case "refusing" -> {
        ClientTransport real =
            new InMemoryTransportProvider()
                .newClientTransport(URI.create("mem:" + target.getHost()), settings);
        yield RefusingTransport.LEFT.getAndUpdate(n -> Math.max(0, n - 1)) > 0
            ? new RefusingTransport(real)
            : real;
      }
      default -> {
        MEMHOST_ATTEMPTS.incrementAndGet();
        yield new InMemoryTransportProvider()
            .newClientTransport(URI.create("mem:" + target.getHost()), settings);
      }
    };
  }

  @Override
  public ServerTransport newServerTransport(URI address, TransportSettings settings) {
    throw new UnsupportedOperationException("client-side test transports only");
  }

  /** The test transports here never carry a call: each fails with {@code UNAVAILABLE}. */
  private abstract static class NoCalls implements ClientTransport {
    @Override
    public ClientStream newStream(
        MethodDescriptor<?, ?> method,
        Metadata headers,
        Deadline deadline,
        ClientStreamListener l) {
      return FailedStream.failed(l, Status.UNAVAILABLE);
    }
  }

  /** A transport that connects, then hears the server say it pings too often and goes. */
  private static final class TooManyPings extends NoCalls {
    @Override
    public void start(Listener listener) {
      listener.transportReady();
      listener.tooManyPings();
      listener.transportShutdown(Status.RESOURCE_EXHAUSTED.withDescription("too_many_pings"));
      listener.transportTerminated();
    }

    @Override
    public void shutdown(Status reason) {}

    @Override
    public void shutdownNow(Status reason) {}
  }

  /** A transport that never connects: it refuses at once, or stays silent until shut down. */
  private static final class Dead extends NoCalls {
    private final boolean refuse;
    private Listener listener;

    Dead(boolean refuse) {
      this.refuse = refuse;
    }

    @Override
    public void start(Listener listener) {
      this.listener = listener;
      if (refuse) {
        listener.transportShutdown(Status.UNAVAILABLE.withDescription("connection refused"));
        listener.transportTerminated();
      }
    }

    @Override
    public void shutdown(Status reason) {
      shutdownNow(reason);
    }

    @Override
    public void shutdownNow(Status reason) {
      if (!refuse) {
        listener.transportShutdown(reason);
        listener.transportTerminated();
      }
    }
  }

  /**
   * A transport whose {@code start()} waits for {@link #RELEASE} (after counting down {@link
   * #ENTERED}), then never connects; like the real transports, it may not be shut down before it
   * has started. Records what happened to it in {@link #EVENTS}.
   */
  static final class SlowStart extends NoCalls {
    static volatile CountDownLatch entered = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);
    static volatile CountDownLatch shutDown = new CountDownLatch(1);
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    private volatile Listener listener;

    static void reset() {
      entered = new CountDownLatch(1);
      release = new CountDownLatch(1);
      shutDown = new CountDownLatch(1);
      EVENTS.clear();
    }

    @Override
    public void start(Listener l) {
      entered.countDown();
      try {
        if (!release.await(30, TimeUnit.SECONDS)) {
          EVENTS.add("never released");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      listener = l;
      EVENTS.add("started");
    }

    @Override
    public void shutdown(Status reason) {
      shutdownNow(reason);
    }

    @Override
    public void shutdownNow(Status reason) {
      Listener l = listener;
      if (l == null) {
        EVENTS.add("shut down before it started");
        shutDown.countDown();
        throw new IllegalStateException("start() was not called");
      }
      EVENTS.add("shut down: " + reason.description());
      shutDown.countDown();
      l.transportShutdown(reason);
      l.transportTerminated();
    }
  }
}
