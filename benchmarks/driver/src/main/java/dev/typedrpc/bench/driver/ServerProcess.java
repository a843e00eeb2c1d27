package dev.typedrpc.bench.driver;

import java.io.IOException;
import java.util.List;

/** A server JVM ({@link ServerMain}) this client started, and the line protocol to query it. */
final class ServerProcess implements ServerProbe, AutoCloseable {
  private final ChildJvm jvm;

  private ServerProcess(ChildJvm jvm) {
    this.jvm = jvm;
  }

  /** Starts the server JVM that {@code command} runs ({@link EchoEndpoints#serverCommand}). */
  static ServerProcess start(List<String> command) throws IOException {
    return new ServerProcess(ChildJvm.start(command, 15));
  }

  int port() {
    return jvm.port();
  }

  private long ask(String command) throws IOException {
    return Long.parseLong(jvm.ask(command));
  }

  @Override
  public long allocatedBytes() throws IOException {
    return ask("alloc");
  }

  @Override
  public long cpuNanos() throws IOException {
    return ask("cpu");
  }

  @Override
  public long peakRssKib() throws IOException {
    return ask("rss");
  }

  @Override
  public void close() {
    jvm.close();
  }
}
