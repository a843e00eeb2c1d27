package dev.typedrpc.redis;

import static dev.typedrpc.presence.PresenceEvent.Kind.JOIN;
import static dev.typedrpc.presence.PresenceEvent.Kind.LEAVE;
import static dev.typedrpc.presence.PresenceEvent.Kind.SNAPSHOT;
import static dev.typedrpc.presence.PresenceEvent.Kind.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.presence.Member;
import dev.typedrpc.presence.PresenceEvent;
import dev.typedrpc.presence.PresenceHandle;
import dev.typedrpc.presence.PresenceOptions;
import dev.typedrpc.presence.PresenceRecorder;
import dev.typedrpc.presence.PresenceState;
import dev.typedrpc.presence.TestCall;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes, each a {@link RedisPresence} with its own Lettuce client, sharing one redis-server of
 * the test's own: what one node's members do, the other node's watchers see.
 */
class RedisPresenceTest {
  @RegisterExtension static final RedisServer redis = new RedisServer();
  private static final AtomicInteger tests = new AtomicInteger();

  private final String prefix = "test" + tests.incrementAndGet();
  private final List<RedisClient> clients = new ArrayList<>();
  private final List<RedisPresence> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    nodes.forEach(RedisPresence::close);
    clients.forEach(RedisClients::shutdown);
    if (!redis.isRunning()) {
      redis.start(); // a test that failed while Redis was down
    }
  }

  private RedisPresence node(PresenceOptions options) {
    RedisClient client = RedisClients.create(redis);
    clients.add(client);
    RedisPresence node = RedisPresence.create(client, options, prefix);
    nodes.add(node);
    return node;
  }

  @Test
  void aMemberOfOneNodeIsSeenByTheWatchersOfAnother() throws Exception {
    RedisPresence a = node(PresenceOptions.DEFAULT);
    RedisPresence b = node(PresenceOptions.DEFAULT);
    PresenceHandle ann = a.join("room", Member.online("ann"));
    PresenceRecorder watcher = new PresenceRecorder();
    b.watch("room").subscribe(watcher);
    assertThat(watcher.next(SNAPSHOT, null).members()).containsExactly(Member.online("ann"));

    PresenceHandle bob =
        b.join("room", new Member("bob", PresenceState.ONLINE, Map.of("name", "Bob")));
    assertThat(watcher.next(JOIN, "bob").member().attributes()).containsEntry("name", "Bob");
    ann.update(PresenceState.TYPING);
    assertThat(watcher.next(UPDATE, "ann").member().state()).isEqualTo(PresenceState.TYPING);
    ann.update(PresenceState.AWAY, Map.of("device", "phone"));
    PresenceEvent away = watcher.next(UPDATE, "ann");
    assertThat(away.member())
        .isEqualTo(new Member("ann", PresenceState.AWAY, Map.of("device", "phone")));
    ann.close();
    assertThat(watcher.next(LEAVE, "ann").member().state()).isEqualTo(PresenceState.AWAY);
    bob.close();
    watcher.next(LEAVE, "bob");

    // a member tied to a call leaves when the call is cancelled
    TestCall call = new TestCall();
    a.join("room", Member.online("cy"), call);
    watcher.next(JOIN, "cy");
    call.cancel();
    watcher.next(LEAVE, "cy");
  }

  @Test
  void aJoinOnAnotherNodeTakesTheMemberOver() throws Exception {
    RedisPresence a = node(PresenceOptions.DEFAULT.withTtl(Duration.ofMillis(600)));
    RedisPresence b = node(PresenceOptions.DEFAULT.withTtl(Duration.ofMillis(600)));
    PresenceRecorder watcher = new PresenceRecorder();
    a.watch("room").subscribe(watcher);
    watcher.next(SNAPSHOT, null);
    PresenceHandle first = a.join("room", Member.online("ann"), new TestCall());
    watcher.next(JOIN, "ann");
    PresenceHandle second =
        b.join("room", Member.online("ann").withState(PresenceState.AWAY), new TestCall());
    watcher.next(UPDATE, "ann");
    // node A learns of the takeover when it next refreshes its member
    watcher.awaitKnown(k -> !first.isActive());
    first.update(PresenceState.TYPING); // superseded: nothing
    first.close();
    second.close();
    PresenceEvent left = watcher.next(LEAVE, "ann");
    assertThat(left.member().state()).isEqualTo(PresenceState.AWAY);
  }

  /** A node that dies stops refreshing its members: they expire and every watcher sees them go. */
  @Test
  void theMembersOfADeadNodeLeaveAfterTheTtl() throws Exception {
    PresenceOptions options = PresenceOptions.DEFAULT.withTtl(Duration.ofMillis(900));
    RedisPresence a = node(options);
    RedisPresence b = node(options);
    PresenceRecorder watcher = new PresenceRecorder();
    b.watch("room").subscribe(watcher);
    watcher.next(SNAPSHOT, null);
    a.join("room", Member.online("ann"), new TestCall());
    a.join("room", Member.online("bob"), new TestCall());
    watcher.awaitKnown(k -> k.size() == 2);
    RedisClients.shutdown(clients.get(0)); // node A is gone, without a word to Redis
    watcher.awaitKnown(Map::isEmpty);
  }

  /**
   * Redis restarts empty: the node re-adds its members, as they are now, and the other node's
   * watcher is brought back to the truth. A join while Redis is down fails with UNAVAILABLE.
   */
  @Test
  void aRedisRestartIsRecoveredFrom() throws Exception {
    PresenceOptions options = PresenceOptions.DEFAULT.withTtl(Duration.ofMillis(900));
    RedisPresence a = node(options);
    RedisPresence b = node(options);
    PresenceRecorder watcher = new PresenceRecorder();
    b.watch("room").subscribe(watcher);
    watcher.next(SNAPSHOT, null);
    PresenceHandle ann = a.join("room", Member.online("ann"), new TestCall());
    PresenceHandle bob = a.join("room", Member.online("bob"), new TestCall());
    watcher.awaitKnown(k -> k.size() == 2);

    redis.stop();
    ann.update(PresenceState.TYPING); // not written: re-added as it is once Redis is back
    bob.close(); // not written either: Redis comes back without it anyway
    assertThatThrownBy(() -> a.join("room", Member.online("cy")))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.UNAVAILABLE));
    redis.start();

    watcher.awaitKnown(
        k -> k.equals(Map.of("ann", Member.online("ann").withState(PresenceState.TYPING))));
    // and events flow again
    PresenceHandle dee = a.join("room", Member.online("dee"));
    watcher.awaitKnown(k -> k.containsKey("dee"));
    dee.close();
    watcher.awaitKnown(k -> k.size() == 1);
  }

  @Test
  void membersPerTopicAreBoundedAcrossNodes() throws Exception {
    PresenceOptions options = PresenceOptions.DEFAULT.withMaxMembersPerTopic(3);
    RedisPresence a = node(options);
    RedisPresence b = node(options);
    a.join("room", Member.online("m0"));
    a.join("room", Member.online("m1"));
    b.join("room", Member.online("m2"));
    assertThatThrownBy(() -> b.join("room", Member.online("m3")))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    b.join("room", Member.online("m0")); // a takeover is no new member
  }

  /** Many members on two nodes; a slow watcher holds at most its buffer and ends up right. */
  @Test
  void manyMembersAndASlowWatcher() throws Exception {
    PresenceOptions options = PresenceOptions.DEFAULT.withWatcherBuffer(8);
    RedisPresence a = node(options);
    RedisPresence b = node(options);
    PresenceRecorder slow = new PresenceRecorder(1);
    b.watch("room").subscribe(slow);
    slow.next(SNAPSHOT, null);
    PresenceRecorder fast = new PresenceRecorder();
    b.watch("room").subscribe(fast);
    fast.next(SNAPSHOT, null);
    List<PresenceHandle> handles = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      PresenceHandle h = (i % 2 == 0 ? a : b).join("room", Member.online("m" + i));
      h.update(PresenceState.TYPING);
      handles.add(h);
    }
    for (int i = 0; i < 400; i += 4) {
      handles.get(i).close();
    }
    fast.awaitKnown(k -> k.size() == 300);
    assertThat(fast.known().values()).allMatch(m -> m.state() == PresenceState.TYPING);
    slow.request(Long.MAX_VALUE);
    slow.awaitKnown(k -> k.equals(fast.known()));
    List<PresenceEvent> got = slow.drained();
    assertThat(got.size()).isLessThanOrEqualTo(8);
    assertThat(got.get(0).kind()).isEqualTo(SNAPSHOT);
  }
}
