package dev.typedrpc.rxjava3;

import dev.typedrpc.Status;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Records what the client's calls caused on the server. */
final class RxServiceImpl implements RxService {
  final AtomicInteger echoCalls = new AtomicInteger();
  final AtomicInteger touches = new AtomicInteger();
  final AtomicLong emitted = new AtomicLong();
  final CountDownLatch countCancelled = new CountDownLatch(1);
  final CountDownLatch hangCancelled = new CountDownLatch(1);

  @Override
  public Single<String> echo(String text) {
    echoCalls.incrementAndGet();
    if (text.equals("missing")) {
      return Single.error(Status.NOT_FOUND.withDescription("no such thing").asException());
    }
    return Single.just("echo:" + text);
  }

  @Override
  public Completable touch(String key) {
    return Completable.fromRunnable(touches::incrementAndGet);
  }

  @Override
  public Single<String> hang(String key) {
    return Single.<String>never().doOnDispose(hangCancelled::countDown);
  }

  @Override
  public Flowable<String> count(int limit) {
    return Flowable.range(0, limit)
        .map(i -> "item-" + i)
        .doOnNext(i -> emitted.incrementAndGet())
        .doOnCancel(countCancelled::countDown);
  }

  @Override
  public Single<String> join(Flowable<String> parts) {
    return parts.toList().map(list -> String.join("", list));
  }

  @Override
  public Flowable<String> chat(Flowable<String> lines) {
    return lines.map(line -> "re:" + line);
  }
}
