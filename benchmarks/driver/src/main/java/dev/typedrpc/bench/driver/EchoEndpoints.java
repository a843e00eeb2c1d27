package dev.typedrpc.bench.driver;

import java.util.List;

/**
 * One system as the load driver sees it: its server, started in this JVM or in a JVM of its own,
 * and its client. A peer on another class path (another Netty) implements it in its own module.
 */
public interface EchoEndpoints {
  /** Starts the server in this JVM, on 127.0.0.1 and a free port. */
  EchoServer startServer() throws Exception;

  /**
   * The command that starts the server in a JVM of its own, which runs {@link
   * ServerMain#run(EchoEndpoints)} and so answers the line protocol of {@link ServerProcess}.
   */
  List<String> serverCommand(LoadOptions options);

  /** Connects a client to the server on {@code port} of 127.0.0.1. */
  EchoClient connect(int port) throws Exception;
}
