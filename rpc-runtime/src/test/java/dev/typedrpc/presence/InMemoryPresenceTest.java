package dev.typedrpc.presence;

import static dev.typedrpc.presence.PresenceEvent.Kind.JOIN;
import static dev.typedrpc.presence.PresenceEvent.Kind.LEAVE;
import static dev.typedrpc.presence.PresenceEvent.Kind.SNAPSHOT;
import static dev.typedrpc.presence.PresenceEvent.Kind.UPDATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.Publishers;
import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryPresenceTest {
  private InMemoryPresence presence;

  @AfterEach
  void close() {
    if (presence != null) {
      presence.close();
    }
  }

  private InMemoryPresence presence(PresenceOptions options) {
    presence = InMemoryPresence.create(options);
    return presence;
  }

  @Test
  void aWatcherGetsTheMembersFirstThenEveryChange() throws Exception {
    presence(PresenceOptions.DEFAULT);
    PresenceHandle ann = presence.join("room", Member.online("ann"));
    PresenceRecorder watcher = new PresenceRecorder();
    presence.watch("room").subscribe(watcher);
    PresenceEvent first = watcher.next(SNAPSHOT, null);
    assertThat(first.members()).containsExactly(Member.online("ann"));

    PresenceHandle bob =
        presence.join("room", new Member("bob", PresenceState.ONLINE, Map.of("name", "Bob")));
    assertThat(watcher.next(JOIN, "bob").member().attributes()).containsEntry("name", "Bob");
    bob.update(PresenceState.TYPING);
    assertThat(watcher.next(UPDATE, "bob").member().state()).isEqualTo(PresenceState.TYPING);
    bob.update(PresenceState.TYPING); // unchanged: no event
    ann.update(PresenceState.AWAY, Map.of("device", "phone"));
    PresenceEvent away = watcher.next(UPDATE, "ann");
    assertThat(away.member().state()).isEqualTo(PresenceState.AWAY);
    assertThat(away.member().attributes()).isEqualTo(Map.of("device", "phone"));
    bob.close();
    assertThat(watcher.next(LEAVE, "bob").member().state()).isEqualTo(PresenceState.TYPING);
    bob.close(); // idempotent
    bob.update(PresenceState.ONLINE); // after close: nothing
    assertThat(bob.isActive()).isFalse();
    assertThat(presence.members("room")).containsExactly(ann.member());
    // another topic is another stream
    presence.join("other", Member.online("cy"));
    ann.close();
    assertThat(watcher.next(LEAVE, "ann")).isNotNull();
    assertThat(watcher.poll()).isNull();
  }

  @Test
  void aSecondJoinOfOneIdTakesTheMemberOver() throws Exception {
    presence(PresenceOptions.DEFAULT);
    PresenceRecorder watcher = new PresenceRecorder();
    presence.watch("room").subscribe(watcher);
    watcher.next(SNAPSHOT, null);
    PresenceHandle tab1 = presence.join("room", Member.online("ann"));
    watcher.next(JOIN, "ann");
    PresenceHandle tab2 = presence.join("room", Member.online("ann").withState(PresenceState.AWAY));
    watcher.next(UPDATE, "ann");
    assertThat(tab1.isActive()).isFalse();
    tab1.update(PresenceState.TYPING);
    tab1.close(); // superseded: neither update nor leave
    tab2.close();
    assertThat(watcher.next(LEAVE, "ann").member().state()).isEqualTo(PresenceState.AWAY);
  }

  @Test
  void aMemberTiedToACallLeavesWhenTheCallIsCancelled() throws Exception {
    presence(PresenceOptions.DEFAULT);
    TestCall call = new TestCall();
    PresenceHandle ann = presence.join("room", Member.online("ann"), call);
    PresenceRecorder watcher = new PresenceRecorder();
    presence.watch("room").subscribe(watcher);
    watcher.next(SNAPSHOT, null);
    call.cancel();
    watcher.next(LEAVE, "ann");
    assertThat(ann.isActive()).isFalse();
    // joining on behalf of a call that is already over leaves at once
    presence.join("room", Member.online("late"), call);
    watcher.next(JOIN, "late");
    watcher.next(LEAVE, "late");
  }

  @Test
  void aMemberWhoseHeartbeatsStopLeavesAfterTheTtl() throws Exception {
    presence(PresenceOptions.DEFAULT.withTtl(Duration.ofMillis(150)));
    PresenceRecorder watcher = new PresenceRecorder();
    presence.watch("room").subscribe(watcher);
    watcher.next(SNAPSHOT, null);
    PresenceHandle ann = presence.join("room", Member.online("ann"));
    watcher.next(JOIN, "ann");
    PresenceHandle callTied = presence.join("room", Member.online("bob"), new TestCall());
    watcher.next(JOIN, "bob");
    watcher.next(LEAVE, "ann"); // no heartbeat
    assertThat(ann.isActive()).isFalse();
    assertThat(callTied.isActive()).isTrue(); // its call is alive: it has no TTL
    assertThat(presence.members("room")).containsExactly(Member.online("bob"));
  }

  @Test
  void closeWhenDoneClosesTheHandleWhenTheResponsesEnd() throws Exception {
    presence(PresenceOptions.DEFAULT);
    PresenceHandle ann = presence.join("room", Member.online("ann"));
    List<String> got = Publishers.collectList(ann.closeWhenDone(Publishers.just("a", "b"))).get();
    assertThat(got).containsExactly("a", "b");
    assertThat(ann.isActive()).isFalse();
    assertThat(presence.members("room")).isEmpty();

    PresenceHandle bob = presence.join("room", Member.online("bob"));
    PresenceRecorder cancelling = new PresenceRecorder();
    bob.closeWhenDone(presence.watch("room")).subscribe(cancelling);
    cancelling.next(SNAPSHOT, null);
    cancelling.cancel();
    assertThat(bob.isActive()).isFalse();
  }

  @Test
  void topicsMembersAndWatchersAreBounded() throws Exception {
    presence(PresenceOptions.DEFAULT.withMaxTopics(2).withMaxMembersPerTopic(3).withMaxWatchers(2));
    for (int i = 0; i < 3; i++) {
      presence.join("a", Member.online("m" + i));
    }
    assertResourceExhausted(() -> presence.join("a", Member.online("m3")));
    presence.join("a", Member.online("m0")); // a takeover is no new member
    presence.join("b", Member.online("x"));
    assertResourceExhausted(() -> presence.join("c", Member.online("x")));

    PresenceRecorder w1 = new PresenceRecorder();
    PresenceRecorder w2 = new PresenceRecorder();
    PresenceRecorder w3 = new PresenceRecorder();
    presence.watch("a").subscribe(w1);
    presence.watch("b").subscribe(w2);
    presence.watch("a").subscribe(w3);
    assertThatThrownBy(() -> w3.done.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(w1.next(SNAPSHOT, null).members()).hasSize(3);
    w1.cancel(); // frees its place
    PresenceRecorder w4 = new PresenceRecorder();
    presence.watch("a").subscribe(w4);
    assertThat(w4.next(SNAPSHOT, null).members()).hasSize(3);

    assertThatThrownBy(() -> presence.watch("bad{topic}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> presence.join("", Member.online("x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Member.online("x".repeat(Member.MAX_ID_LENGTH + 1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * A watcher that asks for nothing holds at most its buffer: its backlog is replaced by a
   * snapshot, and once it reads on it knows exactly the members there are.
   */
  @Test
  void aSlowWatchersBacklogIsReplacedByASnapshot() throws Exception {
    presence(PresenceOptions.DEFAULT.withWatcherBuffer(8));
    PresenceRecorder slow = new PresenceRecorder(1);
    presence.watch("room").subscribe(slow);
    slow.next(SNAPSHOT, null);
    List<PresenceHandle> handles = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      PresenceHandle h = presence.join("room", Member.online("m" + i));
      h.update(PresenceState.TYPING);
      handles.add(h);
    }
    for (int i = 0; i < 500; i += 2) {
      handles.get(i).close();
    }
    slow.request(Long.MAX_VALUE);
    // the last change queued after the last snapshot
    slow.awaitKnown(known -> known.size() == 250);
    List<PresenceEvent> got = slow.drained();
    assertThat(got.size()).isLessThanOrEqualTo(8);
    assertThat(got.get(0).kind()).isEqualTo(SNAPSHOT);
    assertThat(slow.known()).isEqualTo(membersOf(presence.members("room")));
    assertThat(slow.known().values()).allMatch(m -> m.state() == PresenceState.TYPING);
  }

  @Test
  void manyMembersJoinAndLeaveFromManyThreads() throws Exception {
    presence(PresenceOptions.DEFAULT);
    PresenceRecorder watcher = new PresenceRecorder();
    presence.watch("room").subscribe(watcher);
    watcher.next(SNAPSHOT, null);
    int threads = 4;
    int each = 500;
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      int base = t * each;
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  PresenceHandle h = presence.join("room", Member.online("m" + (base + i)));
                  h.update(PresenceState.AWAY);
                  if (i % 2 == 0) {
                    h.close();
                  }
                }
                done.countDown();
              });
      thread.start();
    }
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(presence.members("room")).hasSize(threads * each / 2);
    watcher.awaitKnown(known -> known.size() == threads * each / 2);
    assertThat(watcher.known()).isEqualTo(membersOf(presence.members("room")));
  }

  @Test
  void closingCompletesWatchersAndRefusesJoins() throws Exception {
    presence(PresenceOptions.DEFAULT);
    PresenceRecorder watcher = new PresenceRecorder();
    presence.watch("room").subscribe(watcher);
    watcher.next(SNAPSHOT, null);
    presence.close();
    watcher.done.get(30, TimeUnit.SECONDS);
    assertResourceExhaustedOr(
        Status.Code.UNAVAILABLE, () -> presence.join("room", Member.online("x")));
  }

  @Test
  void requestingNothingFailsTheWatcher() throws Exception {
    presence(PresenceOptions.DEFAULT);
    PresenceRecorder watcher = new PresenceRecorder(0);
    presence.watch("room").subscribe(watcher);
    watcher.request(0);
    assertThatThrownBy(() -> watcher.done.get(30, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Map<String, Member> membersOf(List<Member> members) {
    Map<String, Member> byId = new java.util.HashMap<>();
    members.forEach(m -> byId.put(m.id(), m));
    return byId;
  }

  private static void assertResourceExhausted(Runnable action) {
    assertResourceExhaustedOr(Status.Code.RESOURCE_EXHAUSTED, action);
  }

  private static void assertResourceExhaustedOr(Status.Code code, Runnable action) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status().code()).isEqualTo(code));
  }
}
