package dev.typedrpc.bench.scale;

import dev.typedrpc.bench.driver.Loopback;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The systems the scale benchmark loads. The typedrpc server listens on one {@code ws://} port,
 * which also serves SSE and gRPC over h2c; the client picks the transport by scheme. {@code grpc}
 * is stock gRPC-Java on Netty.
 */
enum ScaleSystem {
  WS("typedrpc WebSocket", "ws://%s:%d/rpc"),
  SSE("typedrpc SSE", "sse://%s:%d/rpc"),
  H2C("typedrpc h2c", "h2c://%s:%d"),
  GRPC("gRPC-Java", null);

  final String title;
  private final String uriFormat;

  ScaleSystem(String title, String uriFormat) {
    this.title = title;
    this.uriFormat = uriFormat;
  }

  static ScaleSystem byName(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("no system " + name + "; use ws, sse, h2c or grpc", e);
    }
  }

  String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Sockets one connection holds on each side (SSE: the event stream and the POST connection). */
  int socketsPerConnection() {
    return this == SSE ? 2 : 1;
  }

  ScaleServer startServer() throws IOException {
    return this == GRPC
        ? GrpcBroadcast.startServer()
        : TypedrpcBroadcast.startServer(URI.create("ws://" + Loopback.HOST + ":0/rpc"));
  }

  /** Opens one connection; completes when it is ready for calls. */
  CompletableFuture<ScaleConnection> connect(int port) {
    return this == GRPC
        ? GrpcBroadcast.connect(port)
        : TypedrpcBroadcast.connect(URI.create(String.format(uriFormat, Loopback.HOST, port)));
  }
}
