package dev.typedrpc.bench.echo;

import java.util.concurrent.Flow;

/** Echoes; streams one preallocated chunk over and over. Stateless, thread-safe. */
public final class EchoServiceImpl implements EchoService {
  @Override
  public byte[] echo(byte[] payload) {
    return payload;
  }

  @Override
  public Flow.Publisher<Chunk> stream(int count, int size) {
    return new RepeatPublisher<>(new Chunk(new byte[size]), count);
  }
}
