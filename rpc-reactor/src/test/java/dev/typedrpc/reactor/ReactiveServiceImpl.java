package dev.typedrpc.reactor;

import dev.typedrpc.ResumePosition;
import dev.typedrpc.Status;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Records what the client's calls caused on the server. */
final class ReactiveServiceImpl implements ReactiveService {
  final AtomicInteger echoCalls = new AtomicInteger();
  final AtomicInteger touches = new AtomicInteger();
  final AtomicLong emitted = new AtomicLong();
  final CountDownLatch countCancelled = new CountDownLatch(1);
  final CountDownLatch hangCancelled = new CountDownLatch(1);

  @Override
  public Mono<String> echo(String text) {
    echoCalls.incrementAndGet();
    if (text.equals("missing")) {
      return Mono.error(Status.NOT_FOUND.withDescription("no such thing").asException());
    }
    return Mono.just("echo:" + text);
  }

  @Override
  public Mono<Void> touch(String key) {
    return Mono.fromRunnable(touches::incrementAndGet);
  }

  @Override
  public Mono<String> hang(String key) {
    return Mono.<String>never().doOnCancel(hangCancelled::countDown);
  }

  @Override
  public Flux<String> count(int limit) {
    return Flux.range(0, limit)
        .map(i -> "item-" + i)
        .doOnNext(i -> emitted.incrementAndGet())
        .doOnCancel(countCancelled::countDown);
  }

  @Override
  public Mono<String> join(Flux<String> parts) {
    return parts.collectList().map(list -> String.join("", list));
  }

  @Override
  public Flux<String> chat(Flux<String> lines) {
    return lines.map(line -> "re:" + line);
  }

  /** The position each call of {@link #ticks} started after ("-": none). */
  final List<String> tickCalls = new CopyOnWriteArrayList<>();

  @Override
  public Flux<Tick> ticks(String key) {
    OptionalLong after = ResumePosition.current();
    tickCalls.add(after.isPresent() ? Long.toString(after.getAsLong()) : "-");
    long from = after.orElse(0) + 1;
    Flux<Tick> three = Flux.range(0, 3).map(i -> new Tick(from + i, key + (from + i)));
    return after.isPresent()
        ? three
        : three.concatWith(Flux.error(Status.UNAVAILABLE.withDescription("cut").asException()));
  }
}
