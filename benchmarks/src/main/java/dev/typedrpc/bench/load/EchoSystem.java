package dev.typedrpc.bench.load;

import dev.typedrpc.bench.driver.EchoClient;
import dev.typedrpc.bench.driver.EchoServer;
import dev.typedrpc.bench.driver.Loopback;
import java.net.URI;

/**
 * The systems compared, in the order each round runs them. The typedrpc rows are probed by URI
 * scheme and reported as not available when no transport registers it. A typedrpc server listens on
 * a {@code ws://} address, whose port also serves SSE and gRPC over h2c; the client picks the
 * transport by the scheme it connects with. F is gRPC-Java's client (as in D) against a typedrpc
 * server (as in B). G, H and I are peers on class paths of their own ({@link Peer}).
 */
enum EchoSystem {
  TYPEDRPC_WS("A", "typedrpc WebSocket", "ws", "/rpc"),
  TYPEDRPC_HTTP2("B", "typedrpc HTTP/2", "h2c", ""),
  TYPEDRPC_SSE("C", "typedrpc SSE", "sse", "/rpc"),
  GRPC("D", "gRPC-Java (directExecutor)", null, null),
  RAW_NETTY("E", "raw Netty echo", null, null),
  /**
   * A stock gRPC-Java client (D's) calling a typedrpc server over h2c: typedrpc's server side alone
   * against gRPC-Java's.
   */
  GRPC_TO_TYPEDRPC("F", "gRPC-Java client → typedrpc server", "h2c", ""),
  /**
   * RSocket-Java 1.1.5 over TCP: request-response, and request-stream with request-n credit; raw
   * bytes, zero-copy frame decoding. Client and server run on RSocket's class path ({@link Peer}).
   */
  RSOCKET_TCP("G", "RSocket-Java TCP", null, null),
  /** G over WebSocket. */
  RSOCKET_WS("H", "RSocket-Java WebSocket", null, null),
  /** D's gRPC-Java client against Armeria's gRPC server, which runs on Armeria's class path. */
  ARMERIA_GRPC("I", "gRPC-Java client → Armeria gRPC server", null, null),
  /** TLS ({@link TlsEcho}): A over {@code wss://} with the JDK's provider, then with OpenSSL. */
  TYPEDRPC_WSS_JDK("P", "typedrpc wss, JDK TLS", "wss", "/rpc"),
  TYPEDRPC_WSS_OPENSSL("Q", "typedrpc wss, OpenSSL", "wss", "/rpc"),
  /** B over TLS ({@code h2://}, gRPC with ALPN h2), with each provider. */
  TYPEDRPC_H2_JDK("R", "typedrpc h2 (TLS), JDK TLS", "h2", ""),
  TYPEDRPC_H2_OPENSSL("S", "typedrpc h2 (TLS), OpenSSL", "h2", ""),
  /** D over TLS, with the provider gRPC-Java picks (OpenSSL, which the benchmarks carry). */
  GRPC_TLS("T", "gRPC-Java over TLS", null, null);

  final String letter;
  final String title;
  private final String scheme;
  private final String path;

  EchoSystem(String letter, String title, String scheme, String path) {
    this.letter = letter;
    this.title = title;
    this.scheme = scheme;
    this.path = path;
  }

  /** Whether the result table shows this system only when it ran (the TLS rows). */
  boolean onlyWhenRun() {
    return switch (this) {
      case TYPEDRPC_WSS_JDK, TYPEDRPC_WSS_OPENSSL, TYPEDRPC_H2_JDK, TYPEDRPC_H2_OPENSSL, GRPC_TLS ->
          true;
      default -> false;
    };
  }

  static EchoSystem byLetter(String letter) {
    for (EchoSystem s : values()) {
      if (s.letter.equalsIgnoreCase(letter)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no system " + letter + "; use A to I, or P to T (TLS)");
  }

  private URI uri(int port) {
    return URI.create(scheme + "://" + Loopback.HOST + ":" + port + path);
  }

  /** Where the server listens: h2c is served on a WebSocket listener's port. */
  private URI listenUri() {
    return this == TYPEDRPC_HTTP2 || this == GRPC_TO_TYPEDRPC
        ? URI.create("ws://" + Loopback.HOST + ":0/rpc")
        : uri(0);
  }

  EchoServer startServer() throws Exception {
    return switch (this) {
      case RSOCKET_TCP, RSOCKET_WS, ARMERIA_GRPC ->
          throw new IllegalStateException(
              title + " runs its server on a class path of its own, in a JVM of its own");
      case GRPC -> GrpcEcho.startServer();
      case RAW_NETTY -> RawNettyEcho.startServer();
      case TYPEDRPC_WSS_JDK, TYPEDRPC_H2_JDK -> TlsEcho.startServer("jdk");
      case TYPEDRPC_WSS_OPENSSL, TYPEDRPC_H2_OPENSSL -> TlsEcho.startServer("openssl");
      case GRPC_TLS -> TlsEcho.startGrpcServer();
      default -> TypedrpcEcho.startServer(listenUri());
    };
  }

  EchoClient connect(int port) throws Exception {
    return switch (this) {
      case GRPC, GRPC_TO_TYPEDRPC, ARMERIA_GRPC -> GrpcEcho.connect(port);
      case RSOCKET_TCP, RSOCKET_WS ->
          throw new IllegalStateException(title + " runs its client on RSocket's class path");
      case RAW_NETTY -> RawNettyEcho.connect(port);
      case TYPEDRPC_WSS_JDK, TYPEDRPC_H2_JDK -> TlsEcho.connect(uri(port), "jdk");
      case TYPEDRPC_WSS_OPENSSL, TYPEDRPC_H2_OPENSSL -> TlsEcho.connect(uri(port), "openssl");
      case GRPC_TLS -> TlsEcho.connectGrpc(port);
      default -> TypedrpcEcho.connect(uri(port));
    };
  }

  /**
   * Null if this system can run here; otherwise why not (a typedrpc transport that is not on the
   * class path).
   */
  String unavailableReason() {
    if (Peer.server(this) != null) {
      return Peer.server(this).unavailableReason();
    }
    if (scheme == null) {
      return null;
    }
    try {
      startServer().close();
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    } catch (Exception e) {
      return "failed to start: " + e;
    }
  }
}
