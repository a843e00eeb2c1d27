package dev.typedrpc.bench.driver;

import java.util.concurrent.CompletableFuture;

/**
 * One connection to an echo server, the calls the workloads make. Thread-safe: {@link #callAsync}
 * may be called while earlier calls are in flight.
 */
public interface EchoClient extends AutoCloseable {
  /**
   * One unary call, waiting for its response; fails if the response is not {@code payload}'s
   * length.
   */
  void call(byte[] payload) throws Exception;

  /** Starts one unary call; the future completes (on any thread) when its response arrived. */
  CompletableFuture<Void> callAsync(byte[] payload);

  /**
   * One server-streaming call of {@code count} messages of {@code size} bytes; waits until all
   * arrived.
   */
  void stream(int count, int size) throws Exception;

  /** Closes the connection, waiting up to 10 s; an interrupt ends the wait and stays set. */
  @Override
  void close();
}
