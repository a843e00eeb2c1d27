package dev.typedrpc.bench.peers.armeria;

import dev.typedrpc.bench.driver.ServerMain;
import java.util.List;

/**
 * The entry point of Armeria's server JVM: {@code _server I}, started by I's client JVM
 * (gRPC-Java's client, on the benchmarks module's class path).
 */
public final class ArmeriaMain {
  private ArmeriaMain() {}

  public static void main(String[] argv) throws Exception {
    List<String> args = List.of(argv);
    if (!args.equals(List.of("_server", "I"))) {
      throw new IllegalArgumentException(
          "usage: _server I (I's client is gRPC-Java's, on the benchmarks class path)");
    }
    ServerMain.run(new ArmeriaEcho());
    // Armeria's shared event loops outlive the server that used them
    System.exit(0);
  }
}
