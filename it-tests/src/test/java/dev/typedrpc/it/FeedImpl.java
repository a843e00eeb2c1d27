package dev.typedrpc.it;

import dev.typedrpc.Metadata;
import dev.typedrpc.RpcContext;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/** Counts what the server produced and sees when a stream is closed. */
final class FeedImpl implements Feed {
  final AtomicLong produced = new AtomicLong();
  volatile CountDownLatch closed = new CountDownLatch(1);

  @Override
  public Stream<Tick> ticks(long count) {
    CountDownLatch latch = closed;
    return LongStream.range(0, count)
        .peek(n -> produced.incrementAndGet())
        .mapToObj(Tick::new)
        .onClose(latch::countDown);
  }

  @Override
  public String whoAmI() {
    RpcContext ctx = RpcContext.current();
    ctx.sendHeaders(Metadata.of("x-served-by", "feed"));
    ctx.setTrailers(Metadata.of("x-cost", "1"));
    String user = ctx.headers().get("x-user");
    return user == null ? "anonymous" : user;
  }
}
