package dev.typedrpc.sample.chat;

import dev.typedrpc.RpcServer;
import dev.typedrpc.micrometer.RpcMetrics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code chat server [--host H] [--port P] [--metrics-port M]} starts the chat server (with {@code
 * --metrics-port}, its metrics for Prometheus at {@code http://H:M/metrics}); {@code chat client
 * --name N [--room R] [--server URI]} joins it from a terminal.
 */
public final class ChatMain {
  static final String DEFAULT_SERVER = "ws://127.0.0.1:7070/rpc";

  private ChatMain() {}

  // the client prints to System.out; ChatClient.close() leaves that stream open
  @SuppressWarnings("ClosingStandardOutputStreams")
  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !(args[0].equals("server") || args[0].equals("client"))) {
      usage();
      return;
    }
    Map<String, String> options = options(args);
    if (args[0].equals("server")) {
      String metricsPort = options.get("metrics-port");
      runServer(
          options.getOrDefault("host", "127.0.0.1"),
          Integer.parseInt(options.getOrDefault("port", "7070")),
          metricsPort == null ? -1 : Integer.parseInt(metricsPort));
    } else {
      String name = options.get("name");
      if (name == null) {
        usage();
        return;
      }
      URI server = URI.create(options.getOrDefault("server", DEFAULT_SERVER));
      try (ChatClient client =
          new ChatClient(server, options.getOrDefault("room", "lobby"), name, System.out)) {
        client.run(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
      }
    }
  }

  /** Starts a chat server on {@code ws://host:port/rpc} (port 0 picks a free one). */
  public static RpcServer startServer(String host, int port) throws java.io.IOException {
    return startServer(host, port, null);
  }

  /**
   * Starts a chat server that records its calls and connections in {@code metrics}, if not null.
   */
  static RpcServer startServer(String host, int port, RpcMetrics metrics)
      throws java.io.IOException {
    RpcServer.Builder server =
        RpcServer.builder()
            .listen(URI.create("ws://" + host + ":" + port + "/rpc"))
            .addService(ChatServiceRpc.bind(new ChatServer()));
    if (metrics != null) {
      server
          .intercept(metrics.serverInterceptor())
          .transportEvents(metrics.serverTransportEvents());
    }
    return server.build().start();
  }

  private static void runServer(String host, int port, int metricsPort) throws Exception {
    MetricsEndpoint metrics = metricsPort < 0 ? null : MetricsEndpoint.start(host, metricsPort);
    RpcServer server =
        startServer(host, port, metrics == null ? null : RpcMetrics.of(metrics.registry()));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  if (metrics != null) {
                    metrics.close();
                  }
                },
                "chat-shutdown"));
    System.out.println("typedrpc chat server listening on " + server.address());
    if (metrics != null) {
      System.out.println(
          "Metrics for Prometheus at http://" + host + ":" + metrics.port() + "/metrics");
    }
    System.out.println(
        "Join it from other terminals:  ./chat client --name ana   (and --name bob)");
    server.awaitTermination();
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected an option like --name, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  private static void usage() {
    System.out.println(
        String.join(
            "\n",
            "usage: chat server [--host 127.0.0.1] [--port 7070] [--metrics-port 9464]",
            "       chat client --name NAME [--room lobby] [--server " + DEFAULT_SERVER + "]"));
  }
}
