package dev.typedrpc.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class InMemoryReplayLogTest {
  /** A subscriber that records what it gets and asks for more only when told. */
  static final class Probe implements Flow.Subscriber<Long> {
    final List<Long> items = new CopyOnWriteArrayList<>();
    volatile Throwable error;
    volatile Flow.Subscription subscription;
    private final long initial;

    Probe(long initial) {
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
    public void onNext(Long item) {
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

    Status status() {
      return ((RpcException) error).status();
    }
  }

  private static InMemoryReplayLog<String, Long> log(int window) {
    return InMemoryReplayLog.<String, Long>builder().window(window).build();
  }

  private static void append(InMemoryReplayLog<String, Long> log, String key, int count) {
    for (int i = 0; i < count; i++) {
      log.append(key, p -> p);
    }
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long p = from; p <= to; p++) {
      out.add(p);
    }
    return out;
  }

  @Test
  void replaysWhatTheWindowHoldsAfterThePositionThenLiveEvents() {
    InMemoryReplayLog<String, Long> log = log(10);
    append(log, "a", 5);
    Probe probe = new Probe(Long.MAX_VALUE);
    log.subscribe("a", OptionalLong.of(2)).subscribe(probe);
    append(log, "a", 2);
    assertThat(probe.items).containsExactlyElementsOf(range(3, 7));
    assertThat(log.position("a")).isEqualTo(7);
  }

  @Test
  void withoutAPositionOnlyLiveEvents() {
    InMemoryReplayLog<String, Long> log = log(10);
    append(log, "a", 5);
    Probe probe = new Probe(Long.MAX_VALUE);
    log.subscribe("a", OptionalLong.empty()).subscribe(probe);
    append(log, "a", 1);
    assertThat(probe.items).containsExactly(6L);
  }

  @Test
  void positionsIncreasePerKeyAcrossKeys() {
    InMemoryReplayLog<String, Long> log = log(10);
    log.append("a", p -> p);
    log.append("b", p -> p);
    log.append("a", p -> p);
    Probe probe = new Probe(Long.MAX_VALUE);
    log.subscribe("a", OptionalLong.of(0)).subscribe(probe);
    assertThat(probe.items).containsExactly(1L, 3L);
  }

  @Test
  void aPositionOlderThanTheWindowFailsWithDataLossNamingTheRange() {
    InMemoryReplayLog<String, Long> log = log(10);
    append(log, "a", 30);
    Probe probe = new Probe(1);
    log.subscribe("a", OptionalLong.of(4)).subscribe(probe);
    assertThat(probe.items).isEmpty();
    assertThat(probe.status().code()).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(probe.status().description())
        .startsWith("events after position 4 up to 20 of a are no longer kept")
        .contains("the window holds 21 to 30");
  }

  @Test
  void aPositionAheadOfTheLogFailsWithDataLoss() {
    InMemoryReplayLog<String, Long> log = log(10);
    append(log, "a", 3);
    Probe probe = new Probe(1);
    log.subscribe("a", OptionalLong.of(500)).subscribe(probe);
    assertThat(probe.status().code()).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(probe.status().description()).contains("position 500 is ahead of this log");
  }

  @Test
  void aSlowSubscriberFallsOutOfTheWindowInsteadOfBuffering() {
    InMemoryReplayLog<String, Long> log = log(10);
    Probe probe = new Probe(2);
    log.subscribe("a", OptionalLong.of(0)).subscribe(probe);
    append(log, "a", 5);
    assertThat(probe.items).containsExactly(1L, 2L); // no more than asked
    append(log, "a", 100); // the window moves on: 96 to 105
    probe.subscription.request(1);
    assertThat(probe.items).containsExactly(1L, 2L);
    assertThat(probe.status().description()).startsWith("events after position 2 up to 95");
  }

  @Test
  void eventsOlderThanTheMaximumAgeAreDropped() {
    AtomicLong now = new AtomicLong();
    InMemoryReplayLog<String, Long> log =
        InMemoryReplayLog.<String, Long>builder()
            .window(100)
            .maxAge(Duration.ofSeconds(10))
            .clock(now::get)
            .build();
    append(log, "a", 3);
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    append(log, "a", 1);
    Probe old = new Probe(10);
    log.subscribe("a", OptionalLong.of(0)).subscribe(old);
    assertThat(old.status().description()).startsWith("events after position 0 up to 3");
    Probe recent = new Probe(10);
    log.subscribe("a", OptionalLong.of(3)).subscribe(recent);
    assertThat(recent.items).containsExactly(4L);
  }

  @Test
  void keysAreBoundedAndALetGoKeyRemembersWhatItLost() {
    InMemoryReplayLog<String, Long> log =
        InMemoryReplayLog.<String, Long>builder().window(10).maxKeys(2).build();
    append(log, "a", 2); // 1, 2
    append(log, "b", 1); // 3
    Probe watcher = new Probe(Long.MAX_VALUE);
    log.subscribe("b", OptionalLong.empty()).subscribe(watcher);
    append(log, "c", 1); // 4: "a" goes (least recently used without a subscriber)
    assertThat(log.keyCount()).isEqualTo(2);
    Probe late = new Probe(10);
    log.subscribe("a", OptionalLong.of(1)).subscribe(late); // "a" comes back, "c" goes
    assertThat(late.status().code()).isEqualTo(Status.Code.DATA_LOSS);
    assertThat(log.keyCount()).isEqualTo(2);
    append(log, "b", 1);
    assertThat(watcher.items).containsExactly(5L);
  }

  @Test
  void everyKeyWithASubscriberAndNoRoomRefusesANewKey() {
    InMemoryReplayLog<String, Long> log =
        InMemoryReplayLog.<String, Long>builder().window(10).maxKeys(1).build();
    log.subscribe("a", OptionalLong.empty()).subscribe(new Probe(1));
    Probe refused = new Probe(1);
    log.subscribe("b", OptionalLong.empty()).subscribe(refused);
    assertThat(refused.status().code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }

  @Test
  void concurrentAppendersAndSubscribersSeeEveryEventInOrder() throws Exception {
    InMemoryReplayLog<String, Long> log = log(100_000);
    int writers = 4;
    int each = 5_000;
    List<Probe> probes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Probe p = new Probe(Long.MAX_VALUE);
      probes.add(p);
      log.subscribe("k", OptionalLong.of(0)).subscribe(p);
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  append(log, "k", each);
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    for (Probe p : probes) {
      assertThat(p.error).isNull();
      assertThat(p.items).containsExactlyElementsOf(range(1, (long) writers * each));
    }
  }
}
