package dev.typedrpc.redis;

import dev.typedrpc.CallOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.presence.InMemoryPresence;
import dev.typedrpc.presence.Presence;
import dev.typedrpc.presence.PresenceOptions;
import dev.typedrpc.stub.ClientCalls;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Presence behind real typedrpc servers on loopback ({@link RoomsNode}): clients join and watch
 * over every transport, a client whose connection dies leaves, and two servers sharing one Redis
 * see each other's members.
 */
class PresenceOverRpcTest {
  @RegisterExtension static final RedisServer redis = new RedisServer();
  private static final AtomicInteger tests = new AtomicInteger();
  private static final CallOptions OPTIONS =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(60));

  private final String prefix = "rpc" + tests.incrementAndGet();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<RedisClient> clients = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    clients.forEach(RedisClients::shutdown);
  }

  private RoomsNode node(String store) throws Exception {
    Presence presence;
    if (store.equals("memory")) {
      presence = InMemoryPresence.create();
    } else {
      RedisClient client = RedisClients.create(redis);
      clients.add(client);
      presence = RedisPresence.create(client, PresenceOptions.DEFAULT, prefix);
    }
    RoomsNode node = new RoomsNode(presence);
    closing.add(node);
    return node;
  }

  private RpcChannel connect(java.net.URI uri) {
    RpcChannel channel = RpcChannel.connect(uri);
    closing.add(channel::shutdownNow); // open streams need no drain
    return channel;
  }

  @ParameterizedTest
  @CsvSource({"memory,ws", "memory,sse", "memory,h2c", "redis,ws", "redis,h2c"})
  void aWatcherSeesAMemberJoinTypeGoAwayAndLeave(String store, String scheme) throws Exception {
    RoomsNode node = node(store);
    RpcChannel watcherChannel = connect(node.uri(scheme));
    RpcChannel memberChannel = connect(node.uri(scheme));
    Lines watch =
        Lines.of(ClientCalls.serverStreaming(watcherChannel, RoomsNode.WATCH, OPTIONS, "room"));
    watch.expect("SNAPSHOT ");
    Lines joined =
        Lines.of(ClientCalls.serverStreaming(memberChannel, RoomsNode.JOIN, OPTIONS, "room|ann"));
    joined.expect("joined");
    watch.expect("JOIN ann:ONLINE");
    ClientCalls.blockingUnary(memberChannel, RoomsNode.SET, OPTIONS, "room|ann|TYPING");
    watch.expect("UPDATE ann:TYPING");
    ClientCalls.blockingUnary(memberChannel, RoomsNode.SET, OPTIONS, "room|ann|AWAY");
    watch.expect("UPDATE ann:AWAY");
    // a second watcher starts from the truth
    Lines late =
        Lines.of(ClientCalls.serverStreaming(watcherChannel, RoomsNode.WATCH, OPTIONS, "room"));
    late.expect("SNAPSHOT ann:AWAY");
    joined.cancel(); // the client ends its call: the member leaves
    watch.expect("LEAVE ann:AWAY");
    late.expect("LEAVE ann:AWAY");
  }

  /**
   * A client behind a connection that goes silent (a dead route) is found by the server's
   * keep-alive (300 ms pings, 500 ms timeout): its call is cancelled and its member leaves.
   */
  @ParameterizedTest
  @CsvSource({"memory,ws", "memory,h2c", "redis,ws"})
  void aMemberWhoseConnectionGoesSilentLeavesByKeepAlive(String store, String scheme)
      throws Exception {
    RoomsNode node = node(store);
    Relay relay = new Relay(node.port());
    closing.add(relay);
    RpcChannel watcherChannel = connect(node.uri(scheme));
    RpcChannel memberChannel = connect(RoomsNode.uri(scheme, relay.port()));
    Lines watch =
        Lines.of(ClientCalls.serverStreaming(watcherChannel, RoomsNode.WATCH, OPTIONS, "room"));
    watch.expect("SNAPSHOT ");
    Lines joined =
        Lines.of(ClientCalls.serverStreaming(memberChannel, RoomsNode.JOIN, OPTIONS, "room|ann"));
    joined.expect("joined");
    watch.expect("JOIN ann:ONLINE");
    relay.blackHole();
    watch.expect("LEAVE ann:ONLINE");
  }

  /** A client whose connection is reset (its process killed) leaves at once. */
  @ParameterizedTest
  @CsvSource({"memory,ws", "memory,sse", "memory,h2c"})
  void aMemberWhoseConnectionIsResetLeaves(String store, String scheme) throws Exception {
    RoomsNode node = node(store);
    Relay relay = new Relay(node.port());
    closing.add(relay);
    RpcChannel watcherChannel = connect(node.uri(scheme));
    RpcChannel memberChannel = connect(RoomsNode.uri(scheme, relay.port()));
    Lines watch =
        Lines.of(ClientCalls.serverStreaming(watcherChannel, RoomsNode.WATCH, OPTIONS, "room"));
    watch.expect("SNAPSHOT ");
    Lines joined =
        Lines.of(ClientCalls.serverStreaming(memberChannel, RoomsNode.JOIN, OPTIONS, "room|ann"));
    joined.expect("joined");
    watch.expect("JOIN ann:ONLINE");
    relay.reset();
    watch.expect("LEAVE ann:ONLINE");
  }

  /**
   * Two servers, one Redis: a member of node A is seen by a watcher of node B, and so is its leave.
   */
  @Test
  void twoServersSharingRedisSeeEachOthersMembers() throws Exception {
    RoomsNode a = node("redis");
    RoomsNode b = node("redis");
    RpcChannel toA = connect(a.uri("ws"));
    RpcChannel toB = connect(b.uri("h2c"));
    Lines watchB = Lines.of(ClientCalls.serverStreaming(toB, RoomsNode.WATCH, OPTIONS, "room"));
    watchB.expect("SNAPSHOT ");
    Lines joined = Lines.of(ClientCalls.serverStreaming(toA, RoomsNode.JOIN, OPTIONS, "room|ann"));
    joined.expect("joined");
    watchB.expect("JOIN ann:ONLINE");
    ClientCalls.blockingUnary(toA, RoomsNode.SET, OPTIONS, "room|ann|TYPING");
    watchB.expect("UPDATE ann:TYPING");
    Lines bob = Lines.of(ClientCalls.serverStreaming(toB, RoomsNode.JOIN, OPTIONS, "room|bob"));
    bob.expect("joined");
    watchB.expect("JOIN bob:ONLINE");
    Lines watchA = Lines.of(ClientCalls.serverStreaming(toA, RoomsNode.WATCH, OPTIONS, "room"));
    watchA.expect("SNAPSHOT ann:TYPING,bob:ONLINE");
    joined.cancel();
    watchB.expect("LEAVE ann:TYPING");
    watchA.expect("LEAVE ann:TYPING");
  }
}
