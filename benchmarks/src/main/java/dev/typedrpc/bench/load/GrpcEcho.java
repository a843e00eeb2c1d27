package dev.typedrpc.bench.load;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.typedrpc.bench.driver.Checks;
import dev.typedrpc.bench.driver.EchoClient;
import dev.typedrpc.bench.driver.EchoServer;
import dev.typedrpc.bench.driver.Interrupts;
import dev.typedrpc.bench.driver.Loopback;
import dev.typedrpc.bench.echo.grpc.EchoServiceGrpc;
import dev.typedrpc.bench.echo.grpc.Payload;
import dev.typedrpc.bench.echo.grpc.StreamRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Stock gRPC-Java on Netty with protoc-generated stubs, in its fastest setup: {@code
 * directExecutor()} on both sides. The server streams as fast as HTTP/2 flow control allows ({@code
 * isReady}/{@code onReady}).
 */
final class GrpcEcho {
  private GrpcEcho() {}

  static EchoServer startServer() throws IOException {
    return startServer(null);
  }

  /** With {@code tls}: over TLS ({@link TlsEcho}). */
  static EchoServer startServer(SslContext tls) throws IOException {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(Loopback.ADDRESS, 0))
            .directExecutor()
            .addService(new Service());
    Server server = (tls == null ? builder : builder.sslContext(tls)).build().start();
    return new EchoServer() {
      @Override
      public int port() {
        return server.getPort();
      }

      @Override
      public void close() {
        Interrupts.awaitQuietly(() -> server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS));
      }
    };
  }

  static EchoClient connect(int port) {
    return connect(port, null);
  }

  /** With {@code tls}: over TLS ({@link TlsEcho}). */
  static EchoClient connect(int port, SslContext tls) {
    NettyChannelBuilder builder =
        NettyChannelBuilder.forAddress(new InetSocketAddress(Loopback.ADDRESS, port))
            .directExecutor();
    ManagedChannel channel =
        (tls == null ? builder.usePlaintext() : builder.sslContext(tls)).build();
    EchoServiceGrpc.EchoServiceBlockingStub blocking = EchoServiceGrpc.newBlockingStub(channel);
    EchoServiceGrpc.EchoServiceStub async = EchoServiceGrpc.newStub(channel);
    return new EchoClient() {
      // the workloads pass the same array every call; build its message once, as typedrpc gets its
      // array once
      private byte[] lastPayload;
      private Payload lastRequest;

      private synchronized Payload request(byte[] payload) {
        if (payload != lastPayload) {
          lastPayload = payload;
          lastRequest =
              Payload.newBuilder().setBody(UnsafeByteOperations.unsafeWrap(payload)).build();
        }
        return lastRequest;
      }

      @Override
      public void call(byte[] payload) {
        Checks.sameLength(payload.length, blocking.echo(request(payload)).getBody().size());
      }

      @Override
      public CompletableFuture<Void> callAsync(byte[] payload) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        async.echo(request(payload), new UnaryObserver(payload.length, done));
        return done;
      }

      @Override
      public void stream(int count, int size) throws Exception {
        CountingObserver observer = new CountingObserver(count);
        async.stream(StreamRequest.newBuilder().setCount(count).setSize(size).build(), observer);
        observer.done.get(Checks.STREAM_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }

      @Override
      public void close() {
        Interrupts.awaitQuietly(() -> channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS));
      }
    };
  }

  private static final class Service extends EchoServiceGrpc.EchoServiceImplBase {
    @Override
    public void echo(Payload request, StreamObserver<Payload> responses) {
      responses.onNext(request);
      responses.onCompleted();
    }

    @Override
    public void stream(StreamRequest request, StreamObserver<Payload> responses) {
      ServerCallStreamObserver<Payload> out = (ServerCallStreamObserver<Payload>) responses;
      Payload chunk =
          Payload.newBuilder().setBody(ByteString.copyFrom(new byte[request.getSize()])).build();
      FlowControlledSender sender = new FlowControlledSender(out, chunk, request.getCount());
      out.setOnCancelHandler(sender::cancel);
      out.setOnReadyHandler(sender);
    }
  }

  /**
   * Sends while the transport is ready; gRPC calls it again from onReady. Runs serialized per call.
   */
  private static final class FlowControlledSender implements Runnable {
    private final ServerCallStreamObserver<Payload> out;
    private final Payload chunk;
    private int remaining;
    private volatile boolean finished;

    FlowControlledSender(ServerCallStreamObserver<Payload> out, Payload chunk, int count) {
      this.out = out;
      this.chunk = chunk;
      this.remaining = count;
    }

    void cancel() {
      finished = true;
    }

    @Override
    public void run() {
      while (!finished && remaining > 0 && out.isReady()) {
        out.onNext(chunk);
        remaining--;
      }
      if (!finished && remaining == 0) {
        finished = true;
        out.onCompleted();
      }
    }
  }

  private static final class UnaryObserver implements StreamObserver<Payload> {
    private final int expectedLength;
    private final CompletableFuture<Void> done;

    UnaryObserver(int expectedLength, CompletableFuture<Void> done) {
      this.expectedLength = expectedLength;
      this.done = done;
    }

    @Override
    public void onNext(Payload value) {
      Checks.sameLength(expectedLength, value.getBody().size());
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      done.complete(null);
    }
  }

  private static final class CountingObserver implements StreamObserver<Payload> {
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final int expected;
    private int received;

    CountingObserver(int expected) {
      this.expected = expected;
    }

    @Override
    public void onNext(Payload value) {
      received++;
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      if (received == expected) {
        done.complete(null);
      } else {
        done.completeExceptionally(
            new IllegalStateException("got " + received + " of " + expected + " messages"));
      }
    }
  }
}
