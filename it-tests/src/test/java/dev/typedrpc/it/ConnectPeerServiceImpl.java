package dev.typedrpc.it;

import com.google.protobuf.Any;
import com.google.protobuf.StringValue;
import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.RpcContext;
import dev.typedrpc.Status;
import dev.typedrpc.it.connect.ConnectPeerService;
import dev.typedrpc.it.connect.ConnectReply;
import dev.typedrpc.it.connect.ConnectRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/** The typedrpc implementation of {@link ConnectPeerService} that the Connect clients call. */
final class ConnectPeerServiceImpl implements ConnectPeerService {
  /** How each {@link #hang} call ended, by name. */
  private final ConcurrentHashMap<String, CompletableFuture<Status>> hangs =
      new ConcurrentHashMap<>();

  private CompletableFuture<Status> hangNamed(String name) {
    return hangs.computeIfAbsent(name, n -> new CompletableFuture<>());
  }

  /** Answers {@code x-ping} and {@code x-ping-bin} as the service's javadoc says. */
  private static void pong() {
    RpcContext ctx = RpcContext.current();
    Metadata request = ctx.headers();
    String ping = request.get("x-ping");
    byte[] pingBin = request.getBinary("x-ping-bin");
    Metadata.Builder headers = Metadata.builder();
    if (ping != null) {
      headers.put("x-pong", ping);
      ctx.setTrailers(Metadata.of("x-ping-trailer", ping + "!"));
    }
    if (pingBin != null) {
      headers.putBinary("x-pong-bin", pingBin);
    }
    Metadata built = headers.build();
    if (!built.isEmpty()) {
      ctx.sendHeaders(built);
    }
  }

  @Override
  public ConnectReply unary(ConnectRequest request) {
    pong();
    return new ConnectReply("echo:" + request.text(), request.count());
  }

  @Override
  public Flow.Publisher<ConnectReply> serverStream(ConnectRequest request) {
    pong();
    List<ConnectReply> replies = new ArrayList<>();
    for (int i = 0; i < request.count(); i++) {
      replies.add(new ConnectReply(request.text() + i, i));
    }
    Flow.Publisher<ConnectReply> all = Publishers.of(replies);
    if (!request.text().startsWith("fail")) {
      return all;
    }
    return downstream ->
        all.subscribe(
            new Flow.Subscriber<ConnectReply>() {
              @Override
              public void onSubscribe(Flow.Subscription s) {
                downstream.onSubscribe(s);
              }

              @Override
              public void onNext(ConnectReply r) {
                downstream.onNext(r);
              }

              @Override
              public void onError(Throwable t) {
                downstream.onError(t);
              }

              @Override
              public void onComplete() {
                downstream.onError(
                    Status.ABORTED
                        .withDescription("failed after " + request.count())
                        .asException());
              }
            });
  }

  @Override
  public CompletableFuture<ConnectReply> clientStream(Flow.Publisher<ConnectRequest> requests) {
    pong();
    return Publishers.collect(requests)
        .thenApply(
            all ->
                new ConnectReply(
                    all.stream().map(ConnectRequest::text).collect(Collectors.joining(",")),
                    all.size()));
  }

  @Override
  public Flow.Publisher<ConnectReply> bidi(Flow.Publisher<ConnectRequest> requests) {
    pong();
    return downstream ->
        requests.subscribe(
            new Flow.Subscriber<ConnectRequest>() {
              @Override
              public void onSubscribe(Flow.Subscription s) {
                downstream.onSubscribe(s);
              }

              @Override
              public void onNext(ConnectRequest r) {
                downstream.onNext(new ConnectReply("echo:" + r.text(), r.count()));
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
  public ConnectReply fail(ConnectRequest request) {
    com.google.rpc.Status details =
        com.google.rpc.Status.newBuilder()
            .setCode(request.count())
            .setMessage(request.text())
            .addDetails(Any.pack(StringValue.of(request.text())))
            .build();
    throw Status.Code.fromValue(request.count())
        .toStatus()
        .withDescription(request.text())
        .asException(
            Metadata.builder()
                .put("x-trailer", "t1")
                .putBinary("grpc-status-details-bin", details.toByteArray())
                .build());
  }

  @Override
  public ConnectReply deadline(ConnectRequest request) {
    Deadline deadline = RpcContext.current().deadline();
    return new ConnectReply(
        "deadline", deadline == null ? -1 : Math.max(0, deadline.remaining().toMillis()));
  }

  @Override
  public CompletableFuture<ConnectReply> hang(ConnectRequest request) {
    RpcContext ctx = RpcContext.current();
    CompletableFuture<Status> ended = hangNamed(request.text());
    ctx.addCancelListener(() -> ended.complete(ctx.cancellationStatus()));
    return new CompletableFuture<>();
  }

  @Override
  public Flow.Publisher<ConnectReply> watch(ConnectRequest request) {
    RpcContext ctx = RpcContext.current();
    CompletableFuture<Status> ended = hangNamed(request.text());
    ctx.addCancelListener(() -> ended.complete(ctx.cancellationStatus()));
    ConnectReply first = new ConnectReply("started:" + request.text(), 0);
    return downstream ->
        downstream.onSubscribe(
            new Flow.Subscription() {
              private final AtomicBoolean sent = new AtomicBoolean();

              @Override
              public void request(long n) {
                if (n > 0 && sent.compareAndSet(false, true)) {
                  downstream.onNext(first);
                }
              }

              @Override
              public void cancel() {}
            });
  }

  @Override
  public CompletableFuture<ConnectReply> outcome(ConnectRequest request) {
    return hangNamed(request.text())
        .orTimeout(10, TimeUnit.SECONDS)
        .handle(
            (status, failure) ->
                new ConnectReply(failure != null ? "still running" : status.code().name(), 0));
  }

  @Override
  public ConnectReply lookup(ConnectRequest request) {
    pong();
    return new ConnectReply("found:" + request.text(), request.count());
  }
}
