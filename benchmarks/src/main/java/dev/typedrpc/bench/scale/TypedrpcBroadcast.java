package dev.typedrpc.bench.scale;

import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.spi.ServerLimits;
import dev.typedrpc.spi.TransportSettings;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * typedrpc's broadcast server and client, on the transport the URI names. Server and channels use a
 * direct executor, as in the end-to-end benchmark: the service and the subscribers run on the
 * transport's threads; a broadcast hands each subscription its tick from the broadcasting thread.
 */
final class TypedrpcBroadcast {
  /** Credit each client subscriber holds out, topped up when half is used. */
  static final int WINDOW = 16;

  /**
   * Clients connect a hundred at a time, to a server JVM that has just started, on a machine that
   * may be busy: on both sides a handshake gets longer than the default 10 s before it counts as
   * failed (the server closes a connection whose handshake it has not finished by then). Every
   * client connects from one address, beyond the server's default limits per address (connections
   * and SSE sessions).
   */
  private static final TransportSettings SETTINGS =
      TransportSettings.DEFAULT
          .withConnectTimeout(Duration.ofMinutes(1))
          .withServerLimits(
              ServerLimits.DEFAULT
                  .withMaxConnections(100_000, 100_000)
                  .withSseMaxSessions(100_000, 100_000));

  private static final ChannelOptions OPTIONS =
      ChannelOptions.DEFAULT.withExecutor(Runnable::run).withTransport(SETTINGS);

  private TypedrpcBroadcast() {}

  static ScaleServer startServer(URI listen) throws IOException {
    Broadcaster<Tick> broadcaster = new Broadcaster<>();
    BroadcastService service = subscriber -> new TickPublisher(broadcaster);
    RpcServer server =
        RpcServer.builder()
            .listen(listen)
            .addService(BroadcastServiceRpc.bind(service))
            .executor(Runnable::run)
            .transportSettings(SETTINGS)
            .build()
            .start();
    return new ScaleServer() {
      @Override
      public int port() {
        return server.address().getPort();
      }

      @Override
      public int subscriptions() {
        return broadcaster.size();
      }

      @Override
      public Broadcaster.Sent broadcast(long sequence) {
        return broadcaster.broadcast(sent -> new Tick(sent, sequence));
      }

      @Override
      public void close() {
        server.shutdownNow();
        try {
          server.awaitTermination(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  static CompletableFuture<ScaleConnection> connect(URI target) {
    RpcChannel channel = RpcChannel.connect(target, OPTIONS);
    BroadcastService stub = BroadcastServiceRpc.newStub(channel);
    ScaleConnection connection =
        new ScaleConnection() {
          @Override
          public void subscribe(int subscriber, Arrivals arrivals) {
            stub.subscribe(subscriber).subscribe(new TickSubscriber(arrivals));
          }

          @Override
          public void close() {
            channel.shutdownNow();
          }
        };
    return channel
        .connectNow()
        .handle(
            (ready, failure) -> {
              if (failure != null) {
                channel.shutdownNow();
                throw new IllegalStateException("cannot connect to " + target, failure);
              }
              return connection;
            });
  }

  /** One subscription per subscriber: registered with the broadcaster until cancelled. */
  private static final class TickPublisher implements Flow.Publisher<Tick> {
    private final Broadcaster<Tick> broadcaster;

    TickPublisher(Broadcaster<Tick> broadcaster) {
      this.broadcaster = broadcaster;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Tick> subscriber) {
      TickSubscription subscription = new TickSubscription(subscriber, broadcaster);
      subscriber.onSubscribe(subscription);
      broadcaster.add(subscription);
    }
  }

  /** Counts ticks and checks their order; grants credit in windows. Runs serialized per call. */
  private static final class TickSubscriber implements Flow.Subscriber<Tick> {
    private final Arrivals arrivals;
    private Flow.Subscription subscription;
    private long previous;
    private int sinceRequest;

    TickSubscriber(Arrivals arrivals) {
      this.arrivals = arrivals;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(WINDOW);
    }

    @Override
    public void onNext(Tick tick) {
      arrivals.arrive(tick.sentNanos(), tick.sequence(), previous);
      previous = tick.sequence();
      if (++sinceRequest == WINDOW / 2) {
        sinceRequest = 0;
        subscription.request(WINDOW / 2);
      }
    }

    @Override
    public void onError(Throwable t) {
      arrivals.fail(t);
    }

    @Override
    public void onComplete() {
      arrivals.fail(new IllegalStateException("the server ended a subscription"));
    }
  }
}
