package dev.typedrpc.sample.chat;

import static dev.typedrpc.sample.chat.ChatCluster.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.redis.RedisServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three chat server processes ({@code chat server --redis}) sharing one redis-server of the test's
 * own, in this order: what is posted on one node reaches the subscribers of another and the history
 * of a user joining on a third; the presence of a client killed with {@code kill -9} ends on every
 * node; Redis killed and started again while messages are posted loses nothing that was
 * acknowledged; the node serving a subscriber killed with {@code kill -9} in the middle of {@link
 * #MESSAGES} messages: the subscriber continues on another and receives each once, in order.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatClusterTest {
  /**
   * Messages posted while the subscriber's node is killed: 2,000 by default, 10,000 with {@code
   * -Pchat-cluster} ({@code -Dchat.cluster.messages}).
   */
  static final int MESSAGES = Integer.getInteger("chat.cluster.messages", 2_000);

  /** Messages posted around Redis's restart, at least. */
  static final int RESTART_MESSAGES = Math.max(1_000, MESSAGES / 3);

  // with an append-only file synced on every write: a restart keeps what it acknowledged
  @RegisterExtension static final RedisServer redis = RedisServer.persistent();

  @TempDir static Path dir;
  private static ChatCluster cluster;

  @BeforeAll
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  static void start() throws Exception {
    cluster =
        new ChatCluster(dir)
            .start(3, "--redis", redis.uri(), "--keep-alive", "1", "--post-rate", "1000000");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void redisRuns() throws Exception {
    if (!redis.isRunning()) {
      redis.start();
    }
  }

  @Test
  @Order(1)
  void aMessagePostedOnOneNodeReachesTheOthers() throws Exception {
    RpcChannel a = cluster.channel(cluster.nodes.get(0).target());
    RpcChannel b = cluster.channel(cluster.nodes.get(1).target());
    RpcChannel c = cluster.channel(cluster.nodes.get(2).target());
    String room = "across";

    Welcome anaWelcome = chat(a, "ana").join(room, "ana");
    UpdateCollector ana = new UpdateCollector();
    a.stub(ChatService.class, ChatCluster.as("ana").withResumeAfter(anaWelcome.position()))
        .subscribe(room, "ana")
        .subscribe(ana);

    chat(c, "bob").join(room, "bob");
    Posted posted = chat(c, "bob").post(new Post(room, "bob", "posted on C"));
    ana.await("posted on C", 60);
    assertThat(ana.error()).isNull();

    // history comes from the shared store: cy joins on B and sees what bob posted on C
    Welcome cyWelcome = chat(b, "cy").join(room, "cy");
    assertThat(cyWelcome.recent())
        .extracting(ChatMessage::text, ChatMessage::user, ChatMessage::sequence)
        .containsExactly(tuple("posted on C", "bob", posted.sequence()));
    assertThat(chat(a, "ana").history(room, 20).join())
        .extracting(ChatMessage::text)
        .containsExactly("posted on C");
    ana.cancel();
    System.out.println("cluster: a message posted on node C reached node A; " + ana.counts());
  }

  @Test
  @Order(2)
  void aKilledClientLeavesThePresenceOfEveryNode() throws Exception {
    String room = "presence";
    RpcChannel a = cluster.channel(cluster.nodes.get(0).target());
    Members watcher = new Members();
    chat(a, "watcher").presence(room, "watcher").subscribe(watcher);
    watcher.await(true, "watcher");

    // "gone" is present through node B, from a process of its own
    ChatProcess gone =
        ChatProcess.program(
            PresenceHolder.class, "PRESENT", cluster.nodes.get(1).target(), room, "gone");
    try {
      gone.ready();
      watcher.await(true, "gone");
      long killedAt = System.nanoTime();
      gone.kill(); // kill -9: no goodbye, the server finds its connection gone
      watcher.await(false, "gone");
      System.out.printf(
          "presence: a client killed with SIGKILL left the presence seen on another node after"
              + " %d ms (keep-alive 1 s)%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
    } finally {
      gone.kill();
    }
    assertThat(watcher.now()).containsExactly("watcher");
  }

  @Test
  @Order(3)
  void redisRestartsMidRunAndNothingAcknowledgedIsLost() throws Exception {
    RpcChannel a = cluster.channel(cluster.nodes.get(0).target());
    RpcChannel c = cluster.channel(cluster.nodes.get(2).target());
    String room = "restarted";

    Welcome welcome = chat(a, "sub").join(room, "sub");
    CompletableFuture<Void> restarted = new CompletableFuture<>();
    UpdateCollector sub =
        new UpdateCollector(
            RESTART_MESSAGES / 3,
            n -> {
              try {
                redis.stop(); // SIGKILL
                redis.start();
                restarted.complete(null);
              } catch (Throwable e) {
                restarted.completeExceptionally(e);
              }
            });
    a.stub(ChatService.class, ChatCluster.as("sub").withResumeAfter(welcome.position()))
        .subscribe(room, "sub")
        .subscribe(sub);

    ChatService poster = chat(c, "poster");
    poster.join(room, "poster");
    List<String> acknowledged = new ArrayList<>();
    int failed = 0;
    int acknowledgedAfterRestart = 0;
    // at least RESTART_MESSAGES, and on until 100 were acknowledged after the restart
    int i = 0;
    for (; i < RESTART_MESSAGES || acknowledgedAfterRestart < 100; i++) {
      if (i >= 10 * RESTART_MESSAGES) {
        throw new AssertionError("posts were not acknowledged after the restart: " + failed);
      }
      boolean after = restarted.isDone();
      String text = Integer.toString(i);
      try {
        poster.post(new Post(room, "poster", text));
        acknowledged.add(text);
        if (after) {
          acknowledgedAfterRestart++;
        }
      } catch (RpcException e) {
        failed++; // not acknowledged: it may or may not have been written
        Thread.sleep(20); // pace the posts while Redis is away
      }
    }
    restarted.get(60, TimeUnit.SECONDS);
    sub.await(acknowledged.get(acknowledged.size() - 1), 120);
    sub.cancel();
    List<String> received = sub.texts();
    System.out.println(
        "redis restarted: posts "
            + i
            + ", acknowledged "
            + acknowledged.size()
            + " ("
            + acknowledgedAfterRestart
            + " after the restart), failed "
            + failed
            + "; "
            + sub.counts()
            + ", unacknowledged but delivered "
            + (received.size() - acknowledged.size()));
    assertThat(sub.error()).isNull();
    assertThat(sub.duplicates()).as("duplicates").isZero();
    assertThat(acknowledgedAfterRestart).as("posts acknowledged after the restart").isPositive();
    // every acknowledged message once, in the order of the acknowledgements
    assertThat(received).containsSubsequence(acknowledged);
    assertThat(received).doesNotHaveDuplicates();

    // and a user joining on another node now sees the history
    RpcChannel b = cluster.channel(cluster.nodes.get(1).target());
    List<ChatMessage> recent = chat(b, "cy").join(room, "cy").recent();
    assertThat(recent).isNotEmpty();
    assertThat(recent.get(recent.size() - 1).text()).isEqualTo(received.get(received.size() - 1));
  }

  @Test
  @Order(4)
  void theNodeServingASubscriberIsKilledAndItContinuesOnAnother() throws Exception {
    List<RpcChannel> direct = new ArrayList<>();
    for (ChatProcess node : cluster.nodes) {
      direct.add(cluster.channel(node.target()));
    }
    String room = "killed";

    // the subscriber, through a channel listing every node (pick-first)
    RpcChannel all = cluster.all();
    Welcome welcome = chat(all, "sub").join(room, "sub");
    int serving = servingNode(direct, room);
    CompletableFuture<Integer> killed = new CompletableFuture<>();
    UpdateCollector sub =
        new UpdateCollector(
            MESSAGES / 3,
            n -> {
              try {
                cluster.nodes.get(serving).kill(); // SIGKILL
                killed.complete(serving);
              } catch (Throwable e) {
                killed.completeExceptionally(e);
              }
            });
    all.stub(ChatService.class, ChatCluster.as("sub").withResumeAfter(welcome.position()))
        .subscribe(room, "sub")
        .subscribe(sub);

    // the poster, on a node that does not serve the subscriber
    RpcChannel posterNode = direct.get((serving + 1) % direct.size());
    ChatService poster = chat(posterNode, "poster");
    poster.join(room, "poster");
    for (int i = 0; i < MESSAGES; i++) {
      poster.post(new Post(room, "poster", Integer.toString(i)));
    }

    sub.await(Integer.toString(MESSAGES - 1), 120);
    assertThat(killed.get(30, TimeUnit.SECONDS)).isEqualTo(serving);
    System.out.println(
        "node killed: node "
            + serving
            + " of 3 (SIGKILL) served the subscriber; messages sent "
            + MESSAGES
            + ", "
            + sub.counts());
    assertThat(sub.error()).isNull();
    assertThat(sub.duplicates()).as("duplicates").isZero();
    assertThat(sub.gaps()).as("gaps").isZero();
    assertThat(sub.texts())
        .containsExactlyElementsOf(
            IntStream.range(0, MESSAGES).mapToObj(Integer::toString).toList());
    int nowServing = servingNode(direct, room);
    assertThat(nowServing).as("a surviving node serves the subscriber").isNotEqualTo(serving);
  }

  /** The node on which "sub" is in the room (its join, then its subscription, live there). */
  private static int servingNode(List<RpcChannel> direct, String room) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (int i = 0; i < direct.size(); i++) {
        try {
          if (chat(direct.get(i), "poster").members(room).contains("sub")) {
            return i;
          }
        } catch (RpcException e) {
          // a killed node
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no node has the subscriber");
  }

  /** The members a presence stream says are there. */
  static final class Members implements Flow.Subscriber<PresenceUpdate> {
    private final Set<String> present = new HashSet<>(); // guarded by this
    private Throwable error; // guarded by this

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public synchronized void onNext(PresenceUpdate update) {
      List<String> ids = update.members().stream().map(MemberPresence::user).toList();
      switch (update.change()) {
        case SNAPSHOT -> {
          present.clear();
          present.addAll(ids);
        }
        case JOINED, CHANGED -> present.addAll(ids);
        case LEFT -> ids.forEach(present::remove);
      }
      notifyAll();
    }

    @Override
    public synchronized void onError(Throwable t) {
      error = t;
      notifyAll();
    }

    @Override
    public synchronized void onComplete() {
      error = new AssertionError("completed");
      notifyAll();
    }

    synchronized void await(boolean there, String user) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (present.contains(user) != there) {
        if (error != null) {
          throw new AssertionError("the presence stream ended", error);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(user + (there ? " never came" : " never left") + ": " + present);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

    synchronized Set<String> now() {
      return Set.copyOf(present);
    }
  }
}
