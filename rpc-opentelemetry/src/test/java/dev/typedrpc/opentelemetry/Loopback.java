package dev.typedrpc.opentelemetry;

import java.net.URI;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Addresses of one typedrpc server on loopback, per transport, and a patient wait. */
final class Loopback {
  static final String LISTEN = "ws://127.0.0.1:0/rpc";

  private Loopback() {}

  /** How a client reaches a server listening at {@code address} ({@code ws://host:port/rpc}). */
  static URI client(String transport, URI address) {
    return switch (transport) {
      case "ws" -> address;
      case "sse" -> URI.create("sse://" + address.getRawAuthority() + address.getRawPath());
      case "h2c" -> URI.create("h2c://" + address.getHost() + ":" + address.getPort());
      default -> throw new IllegalArgumentException(transport);
    };
  }

  /**
   * Waits until {@code condition} holds: what the server records when a call closes may land just
   * after the client has its answer.
   */
  static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(5);
    }
  }
}
