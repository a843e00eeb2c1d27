package dev.typedrpc.sample.chat;

import dev.typedrpc.RpcServer;
import dev.typedrpc.micrometer.RpcMetrics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code chat server [--host H] [--port P] [--users FILE] [--tls-cert F --tls-key F]
 * [--metrics-port M] [--redis URI | --data DIR] [--keep N] [--post-rate N] [--keep-alive S]} starts
 * the chat server (options of the store: {@link ChatNodeOptions}); {@code chat client --name N
 * [--token T] [--room R] [--server URI]} joins it from a terminal. Without {@code --users} the
 * server is in dev mode: it gives a token to whoever signs in under a name no one uses (for trying
 * the chat on one machine); with it, only the users the file lists, each with their token.
 */
public final class ChatMain {
  static final String DEFAULT_SERVER = "ws://127.0.0.1:7070/rpc";

  /** Where the client reads its token when not given {@code --token}. */
  static final String TOKEN_VARIABLE = "CHAT_TOKEN";

  private static final Set<String> SERVER_OPTIONS =
      union(
          Set.of("host", "port", "users", "tls-cert", "tls-key", "metrics-port"),
          ChatNodeOptions.NAMES);
  private static final Set<String> CLIENT_OPTIONS = Set.of("name", "token", "room", "server");

  private ChatMain() {}

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  // the client prints to System.out; ChatClient.close() leaves that stream open
  @SuppressWarnings({"ClosingStandardOutputStreams", "SystemExitOutsideMain"})
  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !(args[0].equals("server") || args[0].equals("client"))) {
      usage();
      return;
    }
    Map<String, String> options;
    try {
      options = options(args, args[0].equals("server") ? SERVER_OPTIONS : CLIENT_OPTIONS);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      usage();
      System.exit(2);
      return;
    }
    if (args[0].equals("server")) {
      runServer(options);
      return;
    }
    String name = options.get("name");
    if (name == null) {
      usage();
      System.exit(2);
      return;
    }
    String token = options.getOrDefault("token", System.getenv(TOKEN_VARIABLE));
    URI server = URI.create(options.getOrDefault("server", DEFAULT_SERVER));
    boolean joined;
    try (ChatClient client =
        new ChatClient(server, options.getOrDefault("room", "lobby"), name, token, System.out)) {
      joined =
          client.run(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    }
    if (!joined) {
      System.exit(1);
    }
  }

  /**
   * Starts a chat server in dev mode on {@code ws://host:port/rpc} (port 0 picks a free one): any
   * client may {@linkplain SignInService sign in} under a name not in use.
   */
  public static RpcServer startServer(String host, int port) throws java.io.IOException {
    return ChatServerSetup.start(listen(host, port, Map.of()), Accounts.dev(), null);
  }

  private static URI listen(String host, int port, Map<String, String> options) {
    String tls = "";
    if (options.containsKey("tls-cert") || options.containsKey("tls-key")) {
      tls =
          "?tls-cert="
              + queryValue(required(options, "tls-cert"))
              + "&tls-key="
              + queryValue(required(options, "tls-key"));
    }
    return URI.create("ws://" + host + ":" + port + "/rpc" + tls);
  }

  /**
   * {@code value} percent-encoded for a query (a space as %20: the address reads '+' as itself).
   */
  private static String queryValue(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together: --" + name + "?");
    }
    return value;
  }

  @SuppressWarnings("SystemExitOutsideMain")
  private static void runServer(Map<String, String> options) throws Exception {
    String host = options.getOrDefault("host", "127.0.0.1");
    Accounts accounts;
    URI listen;
    int metricsPort;
    ChatNodeOptions node;
    ChatStore store;
    try {
      String users = options.get("users");
      accounts = users == null ? Accounts.dev() : Accounts.of(UsersFile.read(Path.of(users)));
      int port = Integer.parseInt(options.getOrDefault("port", "7070"));
      listen = listen(host, port, options);
      metricsPort = Integer.parseInt(options.getOrDefault("metrics-port", "-1"));
      node = ChatNodeOptions.from(options, port);
      store = node.openStore();
    } catch (IllegalArgumentException | java.io.IOException e) {
      System.err.println(
          "chat server: " + (e instanceof java.io.IOException ? e.toString() : e.getMessage()));
      System.exit(2);
      return;
    }
    MetricsEndpoint metrics;
    RpcServer server;
    try {
      metrics = metricsPort < 0 ? null : MetricsEndpoint.start(host, metricsPort);
      server =
          ChatServerSetup.start(
              listen,
              accounts,
              metrics == null ? null : RpcMetrics.of(metrics.registry()),
              store,
              node);
    } catch (java.io.IOException e) {
      store.close();
      Throwable cause = e.getCause();
      System.err.println(
          "chat server: "
              + e.getMessage()
              + (cause == null ? "" : " (" + cause.getMessage() + ")")
              + "; pick another port with --port or --metrics-port");
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  store.close();
                  if (metrics != null) {
                    metrics.close();
                  }
                },
                "chat-shutdown"));
    URI address = server.address();
    String shown = address.getAuthority() + address.getPath();
    System.out.println(
        "typedrpc chat server listening on ws://"
            + shown
            + (options.containsKey("tls-cert") ? " and wss://" + shown : ""));
    if (!options.containsKey(
        "tls-cert")) { // browsers speak HTTP/2 over TLS: files are HTTP/1.1 only
      System.out.println("The chat's web page: http://" + address.getAuthority() + "/");
    }
    if (metrics != null) {
      System.out.println(
          "Metrics for Prometheus at http://" + host + ":" + metrics.port() + "/metrics");
    }
    System.out.println(
        node.redis() != null
            ? "A node of a cluster: rooms, history and presence shared through " + node.redis()
            : "History kept in "
                + node.data().toAbsolutePath()
                + " (the last "
                + node.keep()
                + " events of each room; --data DIR to choose, --redis URI for a cluster)");
    if (accounts.isDev() && node.redis() != null) {
      System.out.println(
          "Note: each node of a cluster issues dev-mode tokens of its own, which the others do not"
              + " know: give every node the same --users FILE so that clients can fail over.");
    }
    if (accounts.isDev()) {
      System.out.println(
          "Dev mode: anyone may sign in under a name no one is using (--users FILE to list who"
              + " may chat, each with a token).");
      System.out.println(
          "Join it from other terminals:  ./chat client --name ana   (and --name bob)");
    } else {
      System.out.println(
          "Users from "
              + options.get("users")
              + ": join with  ./chat client --name NAME --token TOKEN");
    }
    server.awaitTermination();
  }

  private static Map<String, String> options(String[] args, Set<String> known) {
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected an option like --name, got " + args[i]);
      }
      if (!known.contains(args[i].substring(2))) {
        throw new IllegalArgumentException("chat " + args[0] + " has no option " + args[i]);
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }

  private static void usage() {
    System.out.println(
        String.join(
            "\n",
            "usage: chat server [--host 127.0.0.1] [--port 7070] [--users FILE]",
            "                   [--tls-cert cert.pem --tls-key key.pem] [--metrics-port 9464]",
            "                   [--redis redis://127.0.0.1:6379 | --data DIR] [--keep 1000]",
            "                   [--post-rate 10] [--keep-alive SECONDS]",
            "       chat client --name NAME [--token TOKEN] [--room lobby] [--server "
                + DEFAULT_SERVER
                + "]",
            "",
            "Without --users the server is in dev mode: a client without a token signs in and",
            "gets one for any name no one is using. With --users FILE (lines of NAME TOKEN,",
            "tokens of 16 characters or more) only those users may chat, each with its token",
            "(--token, or the "
                + TOKEN_VARIABLE
                + " environment variable, which ps does not show).",
            "Tokens are sent only over TLS (wss://) or to this machine (127.0.0.1).",
            "",
            "With --redis the server is one node of a cluster: every node given the same Redis",
            "shares rooms, history and presence. Without it the server keeps its history in",
            "DIR (default ~/.typedrpc-chat/PORT). --server takes several addresses to fail",
            "over between nodes: ws://127.0.0.1:7070,127.0.0.1:7071/rpc"));
  }
}
