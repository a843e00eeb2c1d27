package dev.typedrpc.netty;

import dev.typedrpc.CallObserver;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.testing.ConformanceService;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real server on a free loopback port (WebSocket, SSE and h2c on one port) serving {@link
 * ConformanceService} and any further services, counting the calls of the conformance service it
 * receives.
 */
final class CountedServer implements AutoCloseable {
  final RpcServer server;
  final AtomicInteger calls = new AtomicInteger();

  CountedServer(ServerServiceDefinition... more) throws IOException {
    this(0, more);
  }

  /** A server on {@code port} (e.g. where a stopped one listened). */
  static CountedServer on(int port) throws IOException {
    return new CountedServer(port);
  }

  private CountedServer(int port, ServerServiceDefinition... more) throws IOException {
    RpcServer.Builder b =
        RpcServer.builder()
            .listen("ws://127.0.0.1:" + port + "/rpc")
            .addService(new ConformanceService().definition())
            .intercept(
                call -> {
                  if (call.method().serviceName().equals(ConformanceService.ECHO.serviceName())) {
                    calls.incrementAndGet();
                  }
                  return CallObserver.NONE;
                });
    for (ServerServiceDefinition d : more) {
      b.addService(d);
    }
    this.server = b.build().start();
  }

  int port() {
    return server.address().getPort();
  }

  /** {@code host:port} of this server on 127.0.0.1. */
  String address() {
    return "127.0.0.1:" + port();
  }

  @Override
  public void close() {
    server.close();
  }
}
