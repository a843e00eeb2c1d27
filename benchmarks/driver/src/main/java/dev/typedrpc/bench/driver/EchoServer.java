package dev.typedrpc.bench.driver;

/**
 * A running echo server on 127.0.0.1. Closing it stops it and waits (boundedly) for its threads.
 */
public interface EchoServer extends AutoCloseable {
  /** The bound port on 127.0.0.1. */
  int port();

  /** Stops the server, waiting up to 10 s; an interrupt ends the wait and stays set. */
  @Override
  void close();
}
