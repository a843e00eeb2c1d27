package dev.typedrpc.presence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A watcher for tests: records the events it is sent, asks for {@code initialDemand} of them at
 * first, and keeps the members it has learnt of, as a watcher's user would.
 */
public final class PresenceRecorder implements Flow.Subscriber<PresenceEvent> {
  /** How long a test waits for an event it expects: long, for a loaded machine. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  private final long initialDemand;
  private final BlockingQueue<PresenceEvent> events = new LinkedBlockingQueue<>();
  private final Map<String, Member> known = new LinkedHashMap<>(); // guarded by this
  public final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;

  public PresenceRecorder() {
    this(Long.MAX_VALUE);
  }

  public PresenceRecorder(long initialDemand) {
    this.initialDemand = initialDemand;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (initialDemand > 0) {
      s.request(initialDemand);
    }
  }

  @Override
  public void onNext(PresenceEvent event) {
    synchronized (this) {
      switch (event.kind()) {
        case SNAPSHOT -> {
          known.clear();
          event.members().forEach(m -> known.put(m.id(), m));
        }
        case JOIN, UPDATE -> known.put(event.member().id(), event.member());
        case LEAVE -> known.remove(event.member().id());
      }
    }
    events.add(event);
  }

  @Override
  public void onError(Throwable error) {
    done.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    done.complete(null);
  }

  public void request(long n) {
    subscription.request(n);
  }

  public void cancel() {
    subscription.cancel();
  }

  /** The members this watcher knows of now. */
  public synchronized Map<String, Member> known() {
    return Map.copyOf(known);
  }

  /** The next event, failing if none comes within {@link #WAIT}. */
  public PresenceEvent next() throws InterruptedException {
    PresenceEvent e = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(e).as("an event within " + WAIT).isNotNull();
    return e;
  }

  /** The next event, which must be of {@code kind} (for a member, of {@code memberId}). */
  public PresenceEvent next(PresenceEvent.Kind kind, String memberId) throws InterruptedException {
    PresenceEvent e = next();
    assertThat(e.kind()).as("event %s", e).isEqualTo(kind);
    if (memberId != null) {
      assertThat(e.member().id()).isEqualTo(memberId);
    }
    return e;
  }

  /** Skips events until one matches, failing if none does within {@link #WAIT}. */
  public PresenceEvent until(Predicate<PresenceEvent> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      PresenceEvent e = events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      assertThat(e).as("a matching event within " + WAIT).isNotNull();
      if (wanted.test(e)) {
        return e;
      }
    }
  }

  /** Waits until the known members satisfy {@code condition}. */
  public void awaitKnown(Predicate<Map<String, Member>> condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.test(known())) {
      long left = deadline - System.nanoTime();
      assertThat(left).as("known members " + known() + " as expected within " + WAIT).isPositive();
      PresenceEvent unused = events.poll(Math.min(left, 100_000_000L), TimeUnit.NANOSECONDS);
    }
  }

  /** Events received and not yet taken. */
  public List<PresenceEvent> drained() {
    List<PresenceEvent> all = new java.util.ArrayList<>();
    events.drainTo(all);
    return all;
  }

  /** Takes the events received so far, waiting for none. */
  public PresenceEvent poll() {
    return events.poll();
  }
}
