package dev.typedrpc.internal;

import dev.typedrpc.ChannelOptions;
import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServiceVersion;
import dev.typedrpc.Status;
import dev.typedrpc.spi.ClientStream;
import dev.typedrpc.spi.ClientStreamListener;
import dev.typedrpc.spi.ClientTransport;
import dev.typedrpc.spi.TransportProvider;
import dev.typedrpc.spi.TransportSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client transport for a {@code typedrpc://host:port/path} target: tries the transports of {@link
 * ChannelOptions#transportOrder()} one after the other, each with its own timeout, and uses the
 * first that completes its handshake. Streams started meanwhile wait and are replayed on it.
 * Thread-safe.
 */
final class NegotiatingTransport implements ClientTransport {
  /** The path of a target that names none: the frame transports' default endpoint. */
  static final String DEFAULT_PATH = "/rpc";

  private final URI target;
  private final List<String> order;
  private final ChannelOptions options;
  private final TransportSettings settings;
  private final Consumer<String> onChosen;
  private final List<PendingStream> pending = new ArrayList<>(); // guarded by this
  private final StringBuilder failures = new StringBuilder(); // guarded by this
  private Listener outer;
  private int next; // guarded by this
  private ClientTransport current; // guarded by this: the attempt under way
  // guarded by this: the attempts whose start() has not returned, each with the shutdown asked of
  // it
  // meanwhile or null (a transport may be shut down only once started: the starting thread does it)
  private final IdentityHashMap<ClientTransport, Status> starting = new IdentityHashMap<>();
  private ScheduledFuture<?> timer; // guarded by this
  private ClientTransport chosen; // guarded by this
  private Status failed; // guarded by this
  private boolean stopped; // guarded by this

  NegotiatingTransport(
      URI target,
      List<String> order,
      ChannelOptions options,
      TransportSettings settings,
      Consumer<String> onChosen) {
    this.target = checkTarget(target);
    this.order = List.copyOf(order);
    this.options = options;
    this.settings = settings;
    this.onChosen = onChosen;
  }

  /**
   * Refuses what one transport would honour and another ignore: a query (each scheme takes its own
   * parameters), user info, a fragment. The message says what to write instead.
   */
  static URI checkTarget(URI target) {
    String problem =
        target.getHost() == null
            ? "it names no host"
            : target.getRawUserInfo() != null
                ? "it has user info (no transport sends credentials from the address)"
                : target.getRawQuery() != null
                    ? "it has a query (parameters belong to one transport: use its scheme, e.g."
                        + " h2c://host:port?grpc-compression=gzip or wss://host:port/rpc?tls-trust=...)"
                    : target.getRawFragment() != null ? "it has a fragment" : null;
    if (problem != null) {
      throw new IllegalArgumentException(
          "expected typedrpc://host:port/path, got " + target + ": " + problem);
    }
    return target;
  }

  @Override
  public void start(Listener listener) {
    this.outer = listener;
    tryNext();
  }

  private void tryNext() {
    ClientTransport attempt;
    String scheme;
    synchronized (this) {
      if (stopped || chosen != null) {
        return;
      }
      while (true) {
        if (next >= order.size()) {
          giveUp();
          return;
        }
        scheme = order.get(next++);
        TransportProvider provider = Registries.transportOrNull(scheme);
        if (provider == null) {
          note(scheme, "no transport on the class path");
          continue;
        }
        try {
          attempt = provider.newClientTransport(uriFor(scheme), settings);
        } catch (RuntimeException e) {
          note(
              scheme,
              e.toString()); // a transport that cannot take this target is skipped, never a stall
          continue;
        }
        current = attempt;
        starting.put(attempt, null);
        ClientTransport timed = attempt;
        String why = "no handshake within " + options.attemptTimeout().toMillis() + " ms";
        timer =
            Executors2.timers()
                .schedule(
                    () -> attemptFailed(timed, why),
                    options.attemptTimeout().toNanos(),
                    TimeUnit.NANOSECONDS);
        break;
      }
    }
    attempt.start(new Attempt(attempt, scheme));
    Status shutdownMeanwhile;
    synchronized (this) {
      shutdownMeanwhile = starting.remove(attempt);
    }
    if (shutdownMeanwhile != null) {
      attempt.shutdownNow(shutdownMeanwhile);
    }
  }

  /** Shuts an attempt down now, or once its start() has returned if it is still starting. */
  private void shutdownAttempt(ClientTransport attempt, Status reason) {
    synchronized (this) {
      if (starting.containsKey(attempt)) {
        starting.put(attempt, reason);
        return;
      }
    }
    attempt.shutdownNow(reason);
  }

  /**
   * The target in one transport's scheme, with the same path for every transport (the frame
   * transports' default {@code /rpc} when the target has none): the WebSocket upgrade, the SSE
   * request and HTTP/2's endpoint check each find a wrong path at connect and fail alike.
   */
  private URI uriFor(String scheme) {
    String path =
        target.getRawPath() == null || target.getRawPath().isEmpty()
            ? DEFAULT_PATH
            : target.getRawPath();
    try {
      return new URI(scheme + "://" + target.getRawAuthority() + path);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot derive a " + scheme + " URI from " + target, e);
    }
  }

  private void note(String scheme, String why) {
    if (failures.length() > 0) {
      failures.append("; ");
    }
    failures.append(scheme).append(": ").append(why);
  }

  /**
   * Every transport failed: calls that waited fail, and the channel hears the transport is gone.
   */
  private void giveUp() {
    failed =
        Status.UNAVAILABLE.withDescription(
            "no transport could connect to " + target + " (" + failures + ")");
    List<PendingStream> waiting = List.copyOf(pending);
    pending.clear();
    Status status = failed;
    Executors2.sharedCallbackExecutor()
        .execute(
            () -> {
              outer.transportShutdown(
                  status); // the channel hears first: callers then see its new state
              for (PendingStream s : waiting) {
                s.fail(status);
              }
              outer.transportTerminated();
            });
  }

  private void attemptFailed(ClientTransport attempt, String why) {
    String scheme;
    synchronized (this) {
      if (attempt != current || chosen != null || stopped) {
        return;
      }
      current = null;
      timer.cancel(false);
      scheme = order.get(next - 1);
      note(scheme, why);
    }
    options.transportEvents().transportAttemptFailed(scheme, why);
    shutdownAttempt(attempt, Status.UNAVAILABLE.withDescription("negotiation moved on: " + why));
    tryNext();
  }

  /** Hears one attempt's transport; once chosen, forwards everything to the channel. */
  private final class Attempt implements Listener {
    private final ClientTransport transport;
    private final String scheme;
    private List<ServiceVersion> services = List.of();

    Attempt(ClientTransport transport, String scheme) {
      this.transport = transport;
      this.scheme = scheme;
    }

    @Override
    public List<ServiceVersion> localServices() {
      return outer.localServices();
    }

    @Override
    public void serverServices(List<ServiceVersion> announced) {
      services = announced;
    }

    @Override
    public void tooManyPings() {
      outer.tooManyPings();
    }

    @Override
    public void transportReady() {
      List<PendingStream> waiting;
      synchronized (NegotiatingTransport.this) {
        if (transport != current || chosen != null || stopped) {
          return;
        }
        chosen = transport;
        timer.cancel(false);
        waiting = List.copyOf(pending);
        pending.clear();
      }
      onChosen.accept(scheme);
      outer.serverServices(services);
      outer.transportReady();
      for (PendingStream s : waiting) {
        s.attach(transport);
      }
    }

    @Override
    public void transportShutdown(Status reason) {
      boolean isChosen;
      synchronized (NegotiatingTransport.this) {
        isChosen = transport == chosen;
      }
      if (isChosen) {
        outer.transportShutdown(reason);
      } else {
        attemptFailed(transport, reason.toString());
      }
    }

    @Override
    public void transportTerminated() {
      boolean isChosen;
      synchronized (NegotiatingTransport.this) {
        isChosen = transport == chosen;
      }
      if (isChosen) {
        outer.transportTerminated();
      }
    }
  }

  @Override
  public ClientStream newStream(
      MethodDescriptor<?, ?> method,
      Metadata headers,
      Deadline deadline,
      ClientStreamListener listener) {
    ClientTransport transport;
    synchronized (this) {
      transport = chosen;
      if (transport == null) {
        if (failed != null || stopped) {
          return FailedStream.failed(
              listener,
              failed != null ? failed : Status.UNAVAILABLE.withDescription("transport shut down"));
        }
        PendingStream p = new PendingStream(method, headers, deadline, listener);
        pending.add(p);
        return p;
      }
    }
    return transport.newStream(method, headers, deadline, listener);
  }

  @Override
  public void shutdown(Status reason) {
    stop(reason, false);
  }

  @Override
  public void shutdownNow(Status reason) {
    stop(reason, true);
  }

  private void stop(Status reason, boolean now) {
    ClientTransport transport;
    ClientTransport attempt;
    List<PendingStream> waiting;
    synchronized (this) {
      transport = chosen;
      attempt = current;
      waiting = transport == null ? List.copyOf(pending) : List.of();
      if (transport == null) {
        stopped = true;
        pending.clear();
        if (timer != null) {
          timer.cancel(false);
        }
      }
    }
    if (transport != null) {
      if (now) {
        transport.shutdownNow(reason);
      } else {
        transport.shutdown(reason);
      }
      return;
    }
    outer.transportShutdown(reason);
    for (PendingStream s : waiting) {
      s.fail(reason);
    }
    if (attempt != null) {
      shutdownAttempt(attempt, reason);
    }
    outer.transportTerminated();
  }
}
