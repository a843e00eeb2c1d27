package dev.typedrpc.bench.scale;

/** One client connection of the scale benchmark, ready for calls. */
interface ScaleConnection {
  /** Opens one server-streaming subscription whose ticks go to {@code arrivals}. */
  void subscribe(int subscriber, Arrivals arrivals);

  /** Closes the connection without waiting; its subscriptions end. */
  void close();
}
