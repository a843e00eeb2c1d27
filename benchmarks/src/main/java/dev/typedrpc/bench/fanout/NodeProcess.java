package dev.typedrpc.bench.fanout;

import dev.typedrpc.bench.driver.ChildJvm;
import dev.typedrpc.bench.driver.Jvms;
import java.io.IOException;
import java.util.List;

/** A node JVM ({@link FanoutNode}) this run started. */
final class NodeProcess implements AutoCloseable {
  private final ChildJvm jvm;

  private NodeProcess(ChildJvm jvm) {
    this.jvm = jvm;
  }

  static NodeProcess start(List<String> jvmFlags, String redisUri) throws IOException {
    return new NodeProcess(
        ChildJvm.start(Jvms.command(jvmFlags, List.of("_fanout-node", redisUri)), 30));
  }

  int port() {
    return jvm.port();
  }

  @Override
  public void close() {
    jvm.close();
  }
}
