package dev.typedrpc.bench.blocking;

import dev.typedrpc.bench.echo.Chunk;
import dev.typedrpc.bench.echo.EchoService;
import java.util.concurrent.Flow;

/** An echo that blocks its thread for {@code millis} before it answers, like a JDBC call would. */
final class SleepingEcho implements EchoService {
  private final long millis;

  SleepingEcho(long millis) {
    this.millis = millis;
  }

  @Override
  public byte[] echo(byte[] payload) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return payload;
  }

  @Override
  public Flow.Publisher<Chunk> stream(int count, int size) {
    throw new UnsupportedOperationException("the blocking benchmark makes unary calls only");
  }
}
