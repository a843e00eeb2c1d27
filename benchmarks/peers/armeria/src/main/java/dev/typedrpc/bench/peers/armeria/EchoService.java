package dev.typedrpc.bench.peers.armeria;

import com.google.protobuf.ByteString;
import dev.typedrpc.bench.echo.grpc.EchoServiceGrpc;
import dev.typedrpc.bench.echo.grpc.Payload;
import dev.typedrpc.bench.echo.grpc.StreamRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/**
 * The echo service exactly as gRPC-Java serves it in D ({@code GrpcEcho.Service} of the benchmarks
 * module, which is on another class path): echoes the request message, and streams while the
 * transport is ready ({@code isReady}/{@code onReady}). So I differs from D in the server library
 * alone.
 */
final class EchoService extends EchoServiceGrpc.EchoServiceImplBase {
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

  /** Sends while the transport is ready; called again from onReady. Runs serialized per call. */
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
}
