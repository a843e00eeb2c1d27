package dev.typedrpc.reactor;

import dev.typedrpc.annotations.Position;
import dev.typedrpc.annotations.Resumable;
import dev.typedrpc.annotations.RpcService;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Every call shape with Reactor types. */
@RpcService(name = "typedrpc.test.Reactive")
public interface ReactiveService {
  Mono<String> echo(String text);

  /** An empty response. */
  Mono<Void> touch(String key);

  /** Never answers; its cancellation is observable on the server. */
  Mono<String> hang(String key);

  /** {@code limit} items, produced only as requested. */
  Flux<String> count(int limit);

  Mono<String> join(Flux<String> parts);

  Flux<String> chat(Flux<String> lines);

  /** Resumable: ticks after the call's position; the first call breaks off with UNAVAILABLE. */
  @Resumable
  Flux<Tick> ticks(String key);

  /** A tick at its position. */
  record Tick(@Position long position, String text) {}
}
