package resumable;

import dev.typedrpc.annotations.Position;
import dev.typedrpc.annotations.Resumable;
import dev.typedrpc.annotations.RpcService;
import java.util.concurrent.Flow;
import java.util.stream.Stream;

/** A service with resumable streams in the styles a stub offers. */
@RpcService(name = "example.ticker.Ticker")
public interface Ticker {
  @Resumable
  Flow.Publisher<Ticker.Tick> ticks(String symbol);

  @Resumable
  Stream<Ticker.Tick> blockingTicks(String symbol);

  /** Not resumable: its stream ends with its connection. */
  Flow.Publisher<Ticker.Tick> once(String symbol);

  /** A price at a position of the symbol's stream. */
  record Tick(String symbol, @Position long position, double price) {}
}
