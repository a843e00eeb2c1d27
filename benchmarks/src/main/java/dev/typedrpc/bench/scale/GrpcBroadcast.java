package dev.typedrpc.bench.scale;

import dev.typedrpc.bench.driver.Loopback;
import dev.typedrpc.bench.scale.grpc.BroadcastServiceGrpc;
import dev.typedrpc.bench.scale.grpc.SubscribeRequest;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Stock gRPC-Java on Netty with protoc-generated stubs, {@code directExecutor()} on both sides, as
 * in the end-to-end benchmark. One {@code ManagedChannel} per connection.
 */
final class GrpcBroadcast {
  private GrpcBroadcast() {}

  static ScaleServer startServer() throws IOException {
    Broadcaster<dev.typedrpc.bench.scale.grpc.Tick> broadcaster = new Broadcaster<>();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress(Loopback.ADDRESS, 0))
            .directExecutor()
            .addService(new Service(broadcaster))
            .build()
            .start();
    return new ScaleServer() {
      @Override
      public int port() {
        return server.getPort();
      }

      @Override
      public int subscriptions() {
        return broadcaster.size();
      }

      @Override
      public Broadcaster.Sent broadcast(long sequence) {
        return broadcaster.broadcast(
            sent ->
                dev.typedrpc.bench.scale.grpc.Tick.newBuilder()
                    .setSentNanos(sent)
                    .setSequence(sequence)
                    .build());
      }

      @Override
      public void close() {
        try {
          server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  static CompletableFuture<ScaleConnection> connect(int port) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(new InetSocketAddress(Loopback.ADDRESS, port))
            .usePlaintext()
            .directExecutor()
            .build();
    BroadcastServiceGrpc.BroadcastServiceStub stub = BroadcastServiceGrpc.newStub(channel);
    ScaleConnection connection =
        new ScaleConnection() {
          @Override
          public void subscribe(int subscriber, Arrivals arrivals) {
            stub.subscribe(
                SubscribeRequest.newBuilder().setSubscriber(subscriber).build(),
                new TickObserver(arrivals));
          }

          @Override
          public void close() {
            channel.shutdownNow();
          }
        };
    CompletableFuture<Void> ready = new CompletableFuture<>();
    whenReady(channel, ready);
    return ready.handle(
        (ok, failure) -> {
          if (failure != null) {
            channel.shutdownNow();
            throw new IllegalStateException("cannot connect to port " + port, failure);
          }
          return connection;
        });
  }

  /** Completes {@code ready} when the channel is READY; asks it to connect while it is idle. */
  private static void whenReady(ManagedChannel channel, CompletableFuture<Void> ready) {
    ConnectivityState state = channel.getState(true);
    switch (state) {
      case READY -> ready.complete(null);
      case TRANSIENT_FAILURE, SHUTDOWN ->
          ready.completeExceptionally(new IOException("channel is " + state));
      default -> channel.notifyWhenStateChanged(state, () -> whenReady(channel, ready));
    }
  }

  private static final class Service extends BroadcastServiceGrpc.BroadcastServiceImplBase {
    private final Broadcaster<dev.typedrpc.bench.scale.grpc.Tick> broadcaster;

    Service(Broadcaster<dev.typedrpc.bench.scale.grpc.Tick> broadcaster) {
      this.broadcaster = broadcaster;
    }

    @Override
    public void subscribe(
        SubscribeRequest request, StreamObserver<dev.typedrpc.bench.scale.grpc.Tick> responses) {
      ServerCallStreamObserver<dev.typedrpc.bench.scale.grpc.Tick> out =
          (ServerCallStreamObserver<dev.typedrpc.bench.scale.grpc.Tick>) responses;
      // gRPC's flow control is HTTP/2's byte windows: a tick is always accepted (buffered if the
      // window is closed), like a typedrpc subscription with credit
      Broadcaster.Target<dev.typedrpc.bench.scale.grpc.Tick> target =
          tick -> {
            out.onNext(tick);
            return true;
          };
      out.setOnCancelHandler(() -> broadcaster.remove(target));
      broadcaster.add(target);
    }
  }

  /** Counts ticks and checks their order; gRPC requests one message at a time by itself. */
  private static final class TickObserver
      implements StreamObserver<dev.typedrpc.bench.scale.grpc.Tick> {
    private final Arrivals arrivals;
    private long previous;

    TickObserver(Arrivals arrivals) {
      this.arrivals = arrivals;
    }

    @Override
    public void onNext(dev.typedrpc.bench.scale.grpc.Tick tick) {
      arrivals.arrive(tick.getSentNanos(), tick.getSequence(), previous);
      previous = tick.getSequence();
    }

    @Override
    public void onError(Throwable t) {
      arrivals.fail(t);
    }

    @Override
    public void onCompleted() {
      arrivals.fail(new IllegalStateException("the server ended a subscription"));
    }
  }
}
