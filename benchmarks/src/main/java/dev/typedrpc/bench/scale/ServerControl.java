package dev.typedrpc.bench.scale;

/**
 * The client JVM's handle on the server, wherever it runs: its port, subscription count, memory,
 * class histogram, and the broadcast trigger.
 */
interface ServerControl extends AutoCloseable {
  int port();

  int subscriptions() throws Exception;

  /** The server JVM's memory after full GCs. */
  MemorySample memory() throws Exception;

  /** The server JVM's live objects by class (collects first). */
  ClassHistogram histogram() throws Exception;

  Broadcaster.Sent broadcast(long sequence) throws Exception;

  @Override
  void close();

  /** A server in this JVM (for the smoke test): memory figures then include the client. */
  static ServerControl inProcess(ScaleServer server) {
    return new ServerControl() {
      @Override
      public int port() {
        return server.port();
      }

      @Override
      public int subscriptions() {
        return server.subscriptions();
      }

      @Override
      public MemorySample memory() {
        return MemorySample.takeAfterGc();
      }

      @Override
      public ClassHistogram histogram() {
        return ClassHistogram.take();
      }

      @Override
      public Broadcaster.Sent broadcast(long sequence) {
        return server.broadcast(sequence);
      }

      @Override
      public void close() {
        server.close();
      }
    };
  }
}
