package dev.typedrpc.rxjava3;

import dev.typedrpc.annotations.RpcService;
import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.Flowable;
import io.reactivex.rxjava3.core.Single;

/** Every call shape with RxJava types. */
@RpcService(name = "typedrpc.test.Rx")
public interface RxService {
  Single<String> echo(String text);

  Completable touch(String key);

  /** Never answers; its cancellation is observable on the server. */
  Single<String> hang(String key);

  /** {@code limit} items, produced only as requested. */
  Flowable<String> count(int limit);

  Single<String> join(Flowable<String> parts);

  Flowable<String> chat(Flowable<String> lines);
}
