package dev.typedrpc.bench.load;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.RpcStubs;
import dev.typedrpc.bench.driver.Checks;
import dev.typedrpc.bench.driver.EchoClient;
import dev.typedrpc.bench.driver.EchoServer;
import dev.typedrpc.bench.driver.Interrupts;
import dev.typedrpc.bench.echo.Chunk;
import dev.typedrpc.bench.echo.EchoService;
import dev.typedrpc.bench.echo.EchoServiceImpl;
import dev.typedrpc.bench.echo.EchoServiceRpc;
import dev.typedrpc.stub.ClientCalls;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * The typedrpc echo server and client on a transport chosen by URI scheme ({@code ws} today; HTTP/2
 * and SSE plug in here once their transports exist). Server and channel use a direct executor, like
 * gRPC's {@code directExecutor()}: implementations and callbacks run on the transport's threads.
 */
final class TypedrpcEcho {
  /** Credit the streaming subscriber holds out at most, topped up when half is used. */
  static final int STREAM_WINDOW = 1024;

  private TypedrpcEcho() {}

  /** Starts a server listening at {@code listen} (port 0: any free port on 127.0.0.1). */
  static EchoServer startServer(URI listen) throws IOException {
    RpcServer server =
        RpcServer.builder()
            .listen(listen)
            .addService(EchoServiceRpc.bind(new EchoServiceImpl()))
            .executor(Runnable::run)
            .build()
            .start();
    return new EchoServer() {
      @Override
      public int port() {
        return server.address().getPort();
      }

      @Override
      public void close() {
        server.shutdownNow();
        Interrupts.awaitQuietly(() -> server.awaitTermination(Duration.ofSeconds(10)));
      }
    };
  }

  /**
   * The compression the client's calls ask for ({@code -Dtypedrpc.bench.compression=gzip}, e.g.
   * {@code --jvm-arg=-Dtypedrpc.bench.compression=gzip}); the server answers in kind. Null: none.
   */
  private static final String COMPRESSION = System.getProperty("typedrpc.bench.compression");

  static EchoClient connect(URI target) {
    RpcChannel channel =
        RpcChannel.connect(target, ChannelOptions.DEFAULT.withExecutor(Runnable::run));
    CallOptions options =
        COMPRESSION == null
            ? CallOptions.DEFAULT
            : CallOptions.DEFAULT.withCompression(COMPRESSION);
    EchoService stub =
        COMPRESSION == null
            ? EchoServiceRpc.newStub(channel)
            : RpcStubs.withCompression(EchoServiceRpc.newStub(channel), COMPRESSION);
    return new EchoClient() {
      @Override
      public void call(byte[] payload) {
        Checks.sameLength(payload.length, stub.echo(payload).length);
      }

      @Override
      public CompletableFuture<Void> callAsync(byte[] payload) {
        return ClientCalls.futureUnary(
                channel, EchoServiceRpc.ECHO, options, new EchoServiceRpc.EchoRequest(payload))
            .thenAccept(response -> Checks.sameLength(payload.length, response.length));
      }

      @Override
      public void stream(int count, int size) throws Exception {
        CountingSubscriber s = new CountingSubscriber(count);
        stub.stream(count, size).subscribe(s);
        s.done.get(Checks.STREAM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }

      @Override
      public void close() {
        channel.shutdownNow();
        Interrupts.awaitQuietly(() -> channel.awaitTermination(Duration.ofSeconds(10)));
      }
    };
  }

  /**
   * Counts chunks, granting credit in windows of {@link #STREAM_WINDOW}; completes when all
   * arrived.
   */
  private static final class CountingSubscriber implements Flow.Subscriber<Chunk> {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final int expected;
    private Flow.Subscription subscription;
    private int received;
    private int sinceRequest;

    CountingSubscriber(int expected) {
      this.expected = expected;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(STREAM_WINDOW);
    }

    @Override
    public void onNext(Chunk item) {
      received++;
      if (++sinceRequest == STREAM_WINDOW / 2) {
        sinceRequest = 0;
        subscription.request(STREAM_WINDOW / 2);
      }
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      if (received == expected) {
        done.complete(null);
      } else {
        done.completeExceptionally(
            new IllegalStateException("got " + received + " of " + expected + " chunks"));
      }
    }
  }
}
