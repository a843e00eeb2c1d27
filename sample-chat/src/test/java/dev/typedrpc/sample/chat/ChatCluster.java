package dev.typedrpc.sample.chat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.auth.CallCredentials;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Chat server processes ({@link ChatProcess}) sharing one users file, and the channels a test opens
 * to them; {@link #close} closes the channels and kills every process still running. The users are
 * {@link #USERS}, each with the token {@link #token}.
 */
final class ChatCluster implements AutoCloseable {
  static final List<String> USERS = List.of("ana", "bob", "cy", "sub", "poster", "gone", "watcher");

  final List<ChatProcess> nodes = new ArrayList<>();
  private final List<RpcChannel> channels = new ArrayList<>();
  private final Path users;

  ChatCluster(Path dir) throws IOException {
    users = dir.resolve("users.txt");
    List<String> lines = new ArrayList<>();
    for (String user : USERS) {
      lines.add(user + " " + token(user));
    }
    Files.write(users, lines);
  }

  static String token(String user) {
    return user + "-0123456789abcdef";
  }

  /** Starts {@code n} servers with {@code args} (besides the users file), and waits for them. */
  ChatCluster start(int n, String... args) throws Exception {
    List<ChatProcess> started = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      started.add(startOne(args));
    }
    for (ChatProcess p : started) {
      p.ready();
    }
    return this;
  }

  /** Starts one more server with {@code args} (not waiting for it). */
  ChatProcess startOne(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("--users", users.toString()));
    all.addAll(List.of(args));
    ChatProcess p = ChatProcess.server(all.toArray(String[]::new));
    nodes.add(p);
    return p;
  }

  /** A channel to {@code target}, closed with the cluster. */
  RpcChannel channel(String target) {
    RpcChannel c = RpcChannel.connect(URI.create(target));
    channels.add(c);
    return c;
  }

  /** A channel listing every node, in order: the client picks the first that answers. */
  RpcChannel all() throws Exception {
    List<String> addresses = new ArrayList<>();
    for (ChatProcess p : nodes) {
      addresses.add("127.0.0.1:" + p.ready());
    }
    return channel("ws://" + String.join(",", addresses) + "/rpc");
  }

  /** Calls as {@code user}. */
  static CallOptions as(String user) {
    return CallOptions.DEFAULT.withInterceptors(CallCredentials.bearer(() -> token(user)));
  }

  static ChatService chat(RpcChannel channel, String user) {
    return channel.stub(ChatService.class, as(user));
  }

  /** What every node printed, for a failing test's message. */
  String output() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < nodes.size(); i++) {
      s.append("--- node ").append(i).append('\n').append(nodes.get(i).output()).append('\n');
    }
    return s.toString();
  }

  @Override
  public void close() {
    try {
      for (ChatProcess p : nodes) {
        p.close();
      }
    } finally {
      for (RpcChannel c : channels) {
        c.close();
      }
    }
  }
}
