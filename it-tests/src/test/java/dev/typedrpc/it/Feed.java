package dev.typedrpc.it;

import dev.typedrpc.annotations.RpcService;
import java.util.stream.Stream;

/** Blocking streams and per-call options through a generated stub. */
@RpcService(name = "typedrpc.it.Feed")
public interface Feed {
  /** {@code count} ticks; the client iterates them, the server returns a lazy Stream. */
  Stream<Tick> ticks(long count);

  /** The caller's {@code x-user} header (or "anonymous"), with response headers and trailers. */
  String whoAmI();
}
