package dev.typedrpc.services;

import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.services.greet.GreeterImpl;
import dev.typedrpc.services.greet.GreeterRpc;
import dev.typedrpc.services.health.HealthService;
import dev.typedrpc.services.reflection.ReflectionService;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/** A server with the greeter, health and both reflection services, drained as users would. */
final class Fixture implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);

  final HealthService health = new HealthService();
  final RpcServer server;

  Fixture(String listen) throws IOException {
    ServerServiceDefinition greeter = GreeterRpc.bind(new GreeterImpl());
    ReflectionService reflection = ReflectionService.of(greeter, health.definition());
    server =
        RpcServer.builder()
            .listen(listen)
            .addService(greeter)
            .addService(health.definition())
            .addService(reflection.v1())
            .addService(reflection.v1alpha())
            .onShutdown(health::drain)
            .build()
            .start();
  }

  /**
   * Where a client of {@code transport} connects ({@code ws}, {@code sse}, {@code h2c}, {@code
   * mem}).
   */
  static String listenFor(String transport) {
    return transport.equals("mem") ? "mem:services-" + System.nanoTime() : "ws://127.0.0.1:0/rpc";
  }

  URI target(String transport) {
    URI a = server.address();
    return switch (transport) {
      case "mem", "ws" -> a;
      case "sse" -> URI.create("sse://" + a.getRawAuthority() + a.getRawPath());
      case "h2c" -> URI.create("h2c://" + a.getHost() + ":" + a.getPort());
      default -> throw new IllegalArgumentException(transport);
    };
  }

  int port() {
    return server.address().getPort();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(WAIT);
  }
}
