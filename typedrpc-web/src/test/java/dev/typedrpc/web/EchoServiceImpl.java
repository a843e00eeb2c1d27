package dev.typedrpc.web;

import dev.typedrpc.Deadline;
import dev.typedrpc.Metadata;
import dev.typedrpc.RpcContext;
import dev.typedrpc.Status;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** The server side of {@link EchoService}. */
final class EchoServiceImpl implements EchoService {
  private final Map<String, OnDemandPublisher<Reply>> counts = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<String>> cancellations = new ConcurrentHashMap<>();
  private final Function<String, CompletableFuture<Void>> restarter;

  EchoServiceImpl(Function<String, CompletableFuture<Void>> restarter) {
    this.restarter = restarter;
  }

  @Override
  public Reply echo(Say say) {
    return new Reply(say.text(), say.times(), say.data());
  }

  @Override
  public Reply transport(Say say) {
    return new Reply(RpcContext.current().transport(), 0, new byte[0]);
  }

  @Override
  public Reply fail(Say say) {
    throw Status.Code.valueOf(say.text())
        .toStatus()
        .withDescription("failed as asked: " + say.text())
        .asException();
  }

  @Override
  public Reply metadata(Say say) {
    RpcContext ctx = RpcContext.current();
    String token = String.valueOf(ctx.headers().get("x-token"));
    byte[] data = ctx.headers().getBinary("x-data-bin");
    ctx.sendHeaders(Metadata.of("x-echo", token));
    if (data != null) {
      ctx.setTrailers(Metadata.builder().putBinary("x-trailer-bin", data).build());
    }
    return new Reply(token, 0, data == null ? new byte[0] : data);
  }

  @Override
  public Flow.Publisher<Reply> count(Say say) {
    OnDemandPublisher<Reply> replies =
        new OnDemandPublisher<>(say.times(), i -> new Reply(say.text(), (int) i, say.data()));
    counts.put(say.text(), replies);
    recordCancellation(say.text());
    return replies;
  }

  @Override
  public Reply produced(Say say) {
    OnDemandPublisher<Reply> replies = counts.get(say.text());
    return new Reply(say.text(), replies == null ? -1 : (int) replies.produced.get(), new byte[0]);
  }

  @Override
  public CompletableFuture<Reply> sum(Flow.Publisher<Say> says) {
    CompletableFuture<Reply> result = new CompletableFuture<>();
    says.subscribe(
        new Flow.Subscriber<Say>() {
          private final AtomicLong total = new AtomicLong();
          private int count;
          private Flow.Subscription subscription;

          @Override
          public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(8);
          }

          @Override
          public void onNext(Say item) {
            total.addAndGet(item.times());
            if (++count % 8 == 0) {
              subscription.request(8);
            }
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onComplete() {
            result.complete(new Reply("sum", (int) total.get(), new byte[] {(byte) count}));
          }
        });
    return result;
  }

  @Override
  public Flow.Publisher<Reply> chat(Flow.Publisher<Say> says) {
    return subscriber ->
        says.subscribe(
            new Flow.Subscriber<Say>() {
              @Override
              public void onSubscribe(Flow.Subscription s) {
                subscriber.onSubscribe(
                    s); // one reply per request: the reader's demand is passed on
              }

              @Override
              public void onNext(Say item) {
                subscriber.onNext(new Reply("echo:" + item.text(), item.times(), item.data()));
              }

              @Override
              public void onError(Throwable t) {
                subscriber.onError(t);
              }

              @Override
              public void onComplete() {
                subscriber.onComplete();
              }
            });
  }

  @Override
  public CompletableFuture<Reply> hang(Say say) {
    recordCancellation(say.text());
    return new CompletableFuture<>();
  }

  /** Records the status the current call is cancelled with under {@code key}. */
  private void recordCancellation(String key) {
    RpcContext ctx = RpcContext.current();
    CompletableFuture<String> seen =
        cancellations.computeIfAbsent(key, k -> new CompletableFuture<>());
    ctx.addCancelListener(
        () -> {
          Status status = ctx.cancellationStatus();
          seen.complete(status == null ? "UNKNOWN" : status.code().name());
        });
  }

  @Override
  public Reply cancelled(Say say) {
    CompletableFuture<String> seen =
        cancellations.computeIfAbsent(say.text(), k -> new CompletableFuture<>());
    try {
      return new Reply(seen.get(30, TimeUnit.SECONDS), 0, new byte[0]);
    } catch (TimeoutException e) {
      return new Reply("NOT_CANCELLED", 0, new byte[0]);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.asException();
    } catch (ExecutionException e) {
      throw Status.INTERNAL.withDescription(e.toString()).asException();
    }
  }

  @Override
  public Reply deadline(Say say) {
    Deadline deadline = RpcContext.current().deadline();
    return new Reply(
        "deadline", deadline == null ? -1 : (int) deadline.remaining().toMillis(), new byte[0]);
  }

  @Override
  public CompletableFuture<Reply> restart(Say say) {
    return restarter.apply(say.text()).thenApply(v -> new Reply("restarted", 0, new byte[0]));
  }
}
