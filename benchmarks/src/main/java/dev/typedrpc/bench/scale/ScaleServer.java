package dev.typedrpc.bench.scale;

/** One system's broadcast server, running in this JVM. */
interface ScaleServer extends AutoCloseable {
  int port();

  /** Subscriptions open now. */
  int subscriptions();

  /** Broadcasts tick {@code sequence} to every subscription, on the caller's thread. */
  Broadcaster.Sent broadcast(long sequence);

  @Override
  void close();
}
