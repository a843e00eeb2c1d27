package dev.typedrpc.bench.load;

import dev.typedrpc.bench.driver.Jvms;
import dev.typedrpc.bench.driver.LoadOptions;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A peer library that runs on a class path of its own (its own Netty, and for Armeria its own
 * gRPC), built by a module under {@code benchmarks/peers/}: the module's classes, the load driver's
 * ({@code benchmarks/driver}) and the module's dependencies, which it copies to {@code target/lib}
 * when it compiles. Its JVMs run its main class, which speaks {@code _server}/{@code _client} like
 * {@code BenchMain}.
 */
enum Peer {
  RSOCKET("rsocket", "dev.typedrpc.bench.peers.rsocket.RSocketMain"),
  ARMERIA("armeria", "dev.typedrpc.bench.peers.armeria.ArmeriaMain");

  private final String module;
  private final String mainClass;

  Peer(String module, String mainClass) {
    this.module = module;
    this.mainClass = mainClass;
  }

  /** The peer whose JVM runs {@code system}'s server; null if it runs on this class path. */
  static Peer server(EchoSystem system) {
    return switch (system) {
      case RSOCKET_TCP, RSOCKET_WS -> RSOCKET;
      case ARMERIA_GRPC -> ARMERIA;
      default -> null;
    };
  }

  /** The peer whose JVM runs {@code system}'s client; null if it runs on this class path. */
  static Peer client(EchoSystem system) {
    return switch (system) {
      case RSOCKET_TCP, RSOCKET_WS -> RSOCKET;
      default -> null; // I is gRPC-Java's client, D's
    };
  }

  /** The command that runs {@code system}'s client JVM with {@code args}. */
  static List<String> clientCommand(EchoSystem system, LoadOptions options, List<String> args) {
    Peer peer = client(system);
    return peer == null ? Jvms.command(options, args) : peer.command(options, args);
  }

  /** The command that runs {@code system}'s server JVM. */
  static List<String> serverCommand(EchoSystem system, LoadOptions options) {
    Peer peer = server(system);
    List<String> args = List.of("_server", system.letter);
    return peer == null ? Jvms.command(options, args) : peer.command(options, args);
  }

  private List<String> command(LoadOptions options, List<String> args) {
    return Jvms.command(options, classPath(), mainClass, args);
  }

  /** Null if this peer's class path is built; otherwise what is missing and how to build it. */
  String unavailableReason() {
    for (Path entry : entries()) {
      if (!Files.isDirectory(entry)) {
        return entry
            + " is missing: build it with benchmarks/run, or ./mvnw -pl benchmarks/peers/"
            + module
            + " -am package -DskipTests";
      }
    }
    return null;
  }

  private String classPath() {
    List<Path> entries = entries();
    return entries.get(0)
        + File.pathSeparator
        + entries.get(1)
        + File.pathSeparator
        + entries.get(2).resolve("*");
  }

  /** The peer's classes, the driver's classes, the directory of the peer's dependencies. */
  private List<Path> entries() {
    Path benchmarks = benchmarksDirectory();
    Path peer = benchmarks.resolve("peers").resolve(module).resolve("target");
    return List.of(
        peer.resolve("classes"),
        benchmarks.resolve("driver").resolve("target").resolve("classes"),
        peer.resolve("lib"));
  }

  /**
   * {@code benchmarks/}, from where this class was loaded: {@code benchmarks/target/classes}
   * (tests) or {@code benchmarks/target/benchmarks.jar}.
   */
  private static Path benchmarksDirectory() {
    try {
      Path loadedFrom =
          Path.of(Peer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return loadedFrom.toAbsolutePath().getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot tell where the benchmarks module is", e);
    }
  }
}
