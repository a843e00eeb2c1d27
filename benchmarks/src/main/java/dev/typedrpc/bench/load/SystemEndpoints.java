package dev.typedrpc.bench.load;

import dev.typedrpc.bench.driver.EchoClient;
import dev.typedrpc.bench.driver.EchoEndpoints;
import dev.typedrpc.bench.driver.EchoServer;
import dev.typedrpc.bench.driver.LoadOptions;
import java.util.List;

/**
 * An {@link EchoSystem} as the load driver sees it; a peer's server JVM runs on the peer's class
 * path ({@link Peer}).
 */
record SystemEndpoints(EchoSystem system) implements EchoEndpoints {
  @Override
  public EchoServer startServer() throws Exception {
    return system.startServer();
  }

  @Override
  public List<String> serverCommand(LoadOptions options) {
    return Peer.serverCommand(system, options);
  }

  @Override
  public EchoClient connect(int port) throws Exception {
    return system.connect(port);
  }
}
