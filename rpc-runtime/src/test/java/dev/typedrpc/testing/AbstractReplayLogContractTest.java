package dev.typedrpc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.replay.ReplayLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link ReplayLog} does, whatever keeps it: positions that increase per key, replay
 * after a position then the live events, in order and once, as far as the subscriber's demand goes;
 * {@code DATA_LOSS} naming the range for a position older than the window or ahead of the log.
 * Events are {@code "<position>:<text>"} strings ({@link TestCodecs#STRING} encodes them). A log's
 * window may keep more than asked (never fewer), and positions need not start at 1.
 */
@Timeout(120)
public abstract class AbstractReplayLogContractTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** A fresh log keeping (at least) {@code window} events per key. */
  protected abstract ReplayLog<String, String> log(int window);

  /** A key no other test used. */
  protected String key(String name) {
    return name;
  }

  /** A subscriber that records what it gets and asks for more only when told. */
  public static final class Probe implements Flow.Subscriber<String> {
    public final List<String> items = new CopyOnWriteArrayList<>();
    public volatile Throwable error;
    public volatile Flow.Subscription subscription;
    private final long initial;

    public Probe(long initial) {
      this.initial = initial;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (initial > 0) {
        s.request(initial);
      }
    }

    @Override
    public void onNext(String item) {
      items.add(item);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onComplete() {
      error = new AssertionError("completed");
    }

    public Status status() {
      return ((RpcException) error).status();
    }
  }

  protected static long positionOf(String event) {
    return Long.parseLong(event.substring(0, event.indexOf(':')));
  }

  private static List<String> append(ReplayLog<String, String> log, String key, int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(log.append(key, p -> p + ":" + key));
    }
    return out;
  }

  protected static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + WAIT + ": " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void positionsIncreasePerKeyAndPositionIsTheLast() {
    ReplayLog<String, String> log = log(100);
    String a = key("inc-a");
    String b = key("inc-b");
    List<String> events = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      events.add(log.append(a, p -> p + ":" + a));
      append(log, b, 1);
    }
    for (int i = 1; i < events.size(); i++) {
      assertThat(positionOf(events.get(i))).isGreaterThan(positionOf(events.get(i - 1)));
    }
    assertThat(log.position(a)).isEqualTo(positionOf(events.get(events.size() - 1)));
  }

  @Test
  void replaysAfterAPositionThenTheLiveEventsInOrderOnce() throws Exception {
    ReplayLog<String, String> log = log(1000);
    String key = key("replay");
    List<String> first = append(log, key, 50);
    Probe probe = new Probe(Long.MAX_VALUE);
    log.subscribe(key, OptionalLong.of(positionOf(first.get(9)))).subscribe(probe);
    await(() -> probe.items.size() >= 40 || probe.error != null, "the replay");
    List<String> second = append(log, key, 50);
    List<String> expected = new ArrayList<>(first.subList(10, 50));
    expected.addAll(second);
    await(() -> probe.items.size() >= 90 || probe.error != null, "the live events");
    assertThat(probe.error).isNull();
    assertThat(probe.items).containsExactlyElementsOf(expected);
  }

  @Test
  void deliversOnlyWhatWasRequested() throws Exception {
    ReplayLog<String, String> log = log(1000);
    String key = key("demand");
    long start = log.position(key);
    List<String> events = append(log, key, 30);
    Probe probe = new Probe(0);
    log.subscribe(key, OptionalLong.of(start)).subscribe(probe);
    await(() -> probe.subscription != null, "subscribed");
    probe.subscription.request(5);
    await(() -> probe.items.size() >= 5, "five events");
    append(log, key, 5);
    probe.subscription.request(3);
    await(() -> probe.items.size() >= 8, "three more");
    assertThat(probe.items).containsExactlyElementsOf(events.subList(0, 8));
    probe.subscription.request(1_000);
    await(() -> probe.items.size() >= 35, "the rest");
    assertThat(probe.items).hasSize(35);
    assertThat(probe.error).isNull();
  }

  @Test
  void aLiveSubscriptionGetsWhatIsAppendedAfterItInOrder() throws Exception {
    ReplayLog<String, String> log = log(1000);
    String key = key("live");
    String before = append(log, key, 3).get(2);
    Probe probe = new Probe(Long.MAX_VALUE);
    log.subscribe(key, OptionalLong.empty()).subscribe(probe);
    List<String> after = new ArrayList<>();
    // the subscription starts where the log is when it looks: append until it sees something
    while (probe.items.isEmpty() && probe.error == null) {
      after.addAll(append(log, key, 1));
      Thread.sleep(5);
      assertThat(after.size()).as("appended before the first was seen").isLessThan(10_000);
    }
    assertThat(probe.error).isNull();
    after.addAll(append(log, key, 20));
    String firstSeen = probe.items.get(0);
    List<String> expected = after.subList(after.indexOf(firstSeen), after.size());
    await(() -> probe.items.size() >= expected.size() || probe.error != null, "the live events");
    assertThat(positionOf(firstSeen)).isGreaterThan(positionOf(before));
    assertThat(probe.items).containsExactlyElementsOf(expected);
    assertThat(probe.error).isNull();
  }

  @Test
  void aPositionOlderThanTheWindowIsDataLossNamingTheRange() throws Exception {
    ReplayLog<String, String> log = log(10);
    String key = key("trimmed");
    List<String> events = append(log, key, 1_000);
    Probe probe = new Probe(10);
    long from = positionOf(events.get(0));
    log.subscribe(key, OptionalLong.of(from)).subscribe(probe);
    await(() -> probe.error != null, "DATA_LOSS");
    assertThat(probe.items).isEmpty();
    assertThat(probe.status().code()).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(probe.status().description())
        .contains("after position " + from)
        .contains("no longer kept");
  }

  @Test
  void aPositionAheadOfTheLogIsDataLoss() throws Exception {
    ReplayLog<String, String> log = log(10);
    String key = key("ahead");
    append(log, key, 3);
    Probe probe = new Probe(10);
    log.subscribe(key, OptionalLong.of(log.position(key) + 1_000)).subscribe(probe);
    await(() -> probe.error != null, "DATA_LOSS");
    assertThat(probe.status().code()).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(probe.status().description()).contains("ahead");
  }

  @Test
  void aSubscriberThatFallsOutOfTheWindowFailsWithDataLoss() throws Exception {
    ReplayLog<String, String> log = log(10);
    String key = key("slow");
    long start = log.position(key);
    Probe probe = new Probe(1);
    log.subscribe(key, OptionalLong.of(start)).subscribe(probe);
    append(log, key, 1);
    await(() -> probe.items.size() == 1, "the first event");
    append(log, key, 1_000);
    probe.subscription.request(1_000);
    await(() -> probe.error != null, "DATA_LOSS");
    assertThat(probe.status().code()).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(probe.items).hasSize(1);
  }

  @Test
  void concurrentAppendersAndASubscriberSeeOneOrder() throws Exception {
    ReplayLog<String, String> log = log(10_000);
    String key = key("concurrent");
    long start = log.position(key);
    Probe probe = new Probe(Long.MAX_VALUE);
    log.subscribe(key, OptionalLong.of(start)).subscribe(probe);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<List<String>>> appenders = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      appenders.add(pool.submit(() -> append(log, key, 250)));
    }
    List<String> all = new ArrayList<>();
    for (Future<List<String>> f : appenders) {
      all.addAll(f.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();
    await(() -> probe.items.size() >= 1_000 || probe.error != null, "every event");
    assertThat(probe.error).isNull();
    assertThat(probe.items).hasSize(1_000).containsExactlyInAnyOrderElementsOf(all);
    for (int i = 1; i < probe.items.size(); i++) {
      assertThat(positionOf(probe.items.get(i))).isGreaterThan(positionOf(probe.items.get(i - 1)));
    }
  }

  @Test
  void aCancelledSubscriberGetsNothingMore() throws Exception {
    ReplayLog<String, String> log = log(100);
    String key = key("cancel");
    long start = log.position(key);
    Probe probe = new Probe(Long.MAX_VALUE);
    log.subscribe(key, OptionalLong.of(start)).subscribe(probe);
    append(log, key, 3);
    await(() -> probe.items.size() == 3, "three events");
    probe.subscription.cancel();
    append(log, key, 3);
    // a second subscriber sees the three later events: by then the first had every chance
    Probe witness = new Probe(Long.MAX_VALUE);
    log.subscribe(key, OptionalLong.of(start)).subscribe(witness);
    await(() -> witness.items.size() == 6, "the witness");
    assertThat(probe.items).hasSize(3);
    assertThat(probe.error).isNull();
  }
}
