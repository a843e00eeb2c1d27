package dev.typedrpc.bench.peers.rsocket;

import dev.typedrpc.bench.driver.ClientMain;
import dev.typedrpc.bench.driver.EchoEndpoints;
import dev.typedrpc.bench.driver.LoadOptions;
import dev.typedrpc.bench.driver.ServerMain;
import java.util.List;

/**
 * The entry point of RSocket's JVMs, started by the orchestrator like {@code BenchMain}'s children:
 * {@code _client G|H [options]} measures (and starts {@code _server G|H} in a JVM of its own).
 */
public final class RSocketMain {
  private RSocketMain() {}

  public static void main(String[] argv) throws Exception {
    List<String> args = List.of(argv);
    if (args.size() < 2 || !(args.get(0).equals("_server") || args.get(0).equals("_client"))) {
      throw new IllegalArgumentException("usage: _server G|H, or _client G|H [options]");
    }
    EchoEndpoints system = RSocketEcho.byLetter(args.get(1));
    if (args.get(0).equals("_server")) {
      ServerMain.run(system);
    } else {
      ClientMain.run(system, LoadOptions.parse(args.subList(2, args.size())));
    }
    // Reactor Netty's shared event loops outlive the connections that used them
    System.exit(0);
  }
}
