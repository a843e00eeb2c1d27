package dev.typedrpc.sample.chat;

import dev.typedrpc.RpcServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code chat server [--host H] [--port P]} starts the chat server; {@code chat client --name N
 * [--room R] [--server URI]} joins it from a terminal.
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
      runServer(
          options.getOrDefault("host", "127.0.0.1"),
          Integer.parseInt(options.getOrDefault("port", "7070")));
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
    return RpcServer.builder()
        .listen(URI.create("ws://" + host + ":" + port + "/rpc"))
        .addService(ChatServiceRpc.bind(new ChatServer()))
        .build()
        .start();
  }

  private static void runServer(String host, int port) throws Exception {
    RpcServer server = startServer(host, port);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "chat-shutdown"));
    System.out.println("typedrpc chat server listening on " + server.address());
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
            "usage: chat server [--host 127.0.0.1] [--port 7070]",
            "       chat client --name NAME [--room lobby] [--server " + DEFAULT_SERVER + "]"));
  }
}
