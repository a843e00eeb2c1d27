package dev.typedrpc.it;

import dev.typedrpc.Metadata;
import dev.typedrpc.RpcContext;
import dev.typedrpc.Status;
import dev.typedrpc.it.grpc.PeerReply;
import dev.typedrpc.it.grpc.PeerRequest;
import dev.typedrpc.it.grpc.PeerService;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.stream.Collectors;

/** The typedrpc implementation of {@link PeerService} that stock gRPC-Java clients call. */
final class PeerServiceImpl implements PeerService {
  /** Counted down when a {@link #hang} call starts; completed with the status that cancelled it. */
  volatile CountDownLatch hangStarted = new CountDownLatch(1);

  volatile CompletableFuture<Status> hangCancelled = new CompletableFuture<>();

  @Override
  public PeerReply unary(PeerRequest request) {
    String text = request.text();
    if (text.startsWith("metadata:")) {
      String key = text.substring("metadata:".length());
      Metadata headers = RpcContext.current().headers();
      String value =
          key.endsWith(Metadata.BINARY_SUFFIX)
              ? HexFormat.of().formatHex(headers.getBinary(key))
              : headers.get(key);
      return new PeerReply(value, 0);
    }
    return new PeerReply("echo:" + text, request.count());
  }

  @Override
  public Flow.Publisher<PeerReply> serverStream(PeerRequest request) {
    List<PeerReply> replies = new ArrayList<>();
    for (int i = 0; i < request.count(); i++) {
      replies.add(new PeerReply(request.text() + i, i));
    }
    return Publishers.of(replies);
  }

  @Override
  public CompletableFuture<PeerReply> clientStream(Flow.Publisher<PeerRequest> requests) {
    return Publishers.collect(requests)
        .thenApply(
            all ->
                new PeerReply(
                    all.stream().map(PeerRequest::text).collect(Collectors.joining(",")),
                    all.size()));
  }

  @Override
  public Flow.Publisher<PeerReply> bidi(Flow.Publisher<PeerRequest> requests) {
    // one reply per request: the subscription passes straight through, so demand flows back to the
    // client
    return downstream ->
        requests.subscribe(
            new Flow.Subscriber<PeerRequest>() {
              @Override
              public void onSubscribe(Flow.Subscription s) {
                downstream.onSubscribe(s);
              }

              @Override
              public void onNext(PeerRequest r) {
                downstream.onNext(new PeerReply("echo:" + r.text(), r.count()));
              }

              @Override
              public void onError(Throwable t) {
                downstream.onError(t);
              }

              @Override
              public void onComplete() {
                downstream.onComplete();
              }
            });
  }

  @Override
  public CompletableFuture<PeerReply> hang(PeerRequest request) {
    RpcContext ctx = RpcContext.current();
    CompletableFuture<Status> cancelled = hangCancelled;
    ctx.addCancelListener(() -> cancelled.complete(ctx.cancellationStatus()));
    hangStarted.countDown();
    return new CompletableFuture<>();
  }

  @Override
  public PeerReply fail(PeerRequest request) {
    throw Status.Code.fromValue(request.count())
        .toStatus()
        .withDescription(request.text())
        .asException(Metadata.of("x-trailer", "t1"));
  }
}
