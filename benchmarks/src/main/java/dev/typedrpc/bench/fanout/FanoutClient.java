package dev.typedrpc.bench.fanout;

import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The subscribers and the poster of one run, in this JVM (not the nodes'): one WebSocket connection
 * and one subscription per subscriber, spread over the run's nodes; posts go to the first node.
 *
 * <p>Latency is from post to receipt on this JVM's {@link System#nanoTime()}: the poster stamps the
 * event with the time the post was due, the nodes carry the stamp, and the subscriber that receives
 * it subtracts it from its own clock, in the same JVM, so no clock is compared across processes.
 * Stamping the due time (not the send time) counts a late post's delay too.
 */
final class FanoutClient implements AutoCloseable {
  /** Credit each subscriber holds out, topped up when half is used. */
  static final int CREDIT = 64;

  private static final int RING = 1 << 16;
  private static final String TEXT = "x".repeat(64);
  private static final Duration STALL = Duration.ofSeconds(10);
  private static final int MAX_OUTSTANDING_POSTS = 10_000;

  private static final ChannelOptions OPTIONS =
      ChannelOptions.DEFAULT.withExecutor(Runnable::run).withTransport(FanoutNode.SETTINGS);

  private final FanoutRun run;
  private final FanoutOptions options;
  private final String topic;
  private final List<URI> nodes = new ArrayList<>();
  private final List<RpcChannel> channels = new ArrayList<>();
  private final ConcurrentLinkedQueue<Flow.Subscription> subscriptions =
      new ConcurrentLinkedQueue<>();
  private final Recorder[] latencies = new Recorder[Phase.COUNT];
  private final LongAdder[] received = new LongAdder[Phase.COUNT];
  private final LongAccumulator[] lastReceipt = new LongAccumulator[Phase.COUNT];
  // per event of a closed-loop phase: how many subscribers received it
  private final AtomicIntegerArray receipts = new AtomicIntegerArray(RING);
  private final AtomicInteger failedSubscribers = new AtomicInteger();
  private final AtomicReference<String> firstFailure = new AtomicReference<>("");
  private final AtomicInteger outstandingPosts = new AtomicInteger();
  private final AtomicLong refusedPosts = new AtomicLong();
  private final CountDownLatch ready;
  private final Semaphore inFlight = new Semaphore(0);
  private RpcChannel posterChannel;
  private FanoutService poster;
  private long sequence;

  FanoutClient(FanoutRun run, List<Integer> ports, FanoutOptions options, String topic) {
    this.run = run;
    this.options = options;
    this.topic = topic;
    this.ready = new CountDownLatch(options.subscribers());
    for (int i = 0; i < run.nodes(); i++) {
      nodes.add(URI.create("ws://127.0.0.1:" + ports.get(i) + "/rpc"));
    }
    for (int p = 0; p < latencies.length; p++) {
      latencies[p] = new Recorder(3);
      received[p] = new LongAdder();
      lastReceipt[p] = new LongAccumulator(Long::max, Long.MIN_VALUE);
    }
  }

  /** Connects and subscribes, warms up, then measures at the fixed rate and at the maximum. */
  Measured[] measure() throws Exception {
    connect();
    subscribe();
    postUntilEverySubscriberReceives();
    if (options.warmup() > 0) {
      closedLoop(Phase.WARMUP, options.warmup());
    }
    Measured fixed = fixedRate(options.rate(), options.seconds());
    Measured max = closedLoop(Phase.MAXIMUM, options.seconds());
    return new Measured[] {fixed, max};
  }

  private void connect() throws Exception {
    posterChannel = RpcChannel.connect(nodes.get(0), OPTIONS);
    poster = FanoutServiceRpc.newStub(posterChannel);
    List<CompletableFuture<Void>> connecting = new ArrayList<>();
    connecting.add(posterChannel.connectNow());
    for (int i = 0; i < options.subscribers(); i++) {
      RpcChannel channel = RpcChannel.connect(nodes.get(i % nodes.size()), OPTIONS);
      channels.add(channel);
      connecting.add(channel.connectNow());
      // a hundred handshakes at a time
      if (connecting.size() >= 100) {
        CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new))
            .get(2, TimeUnit.MINUTES);
        connecting.clear();
      }
    }
    CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
  }

  private void subscribe() {
    String log = run.source();
    for (RpcChannel channel : channels) {
      FanoutService stub = FanoutServiceRpc.newStub(channel);
      Flow.Publisher<FeedEvent> feed =
          run.resumable() ? stub.resume(log, topic) : stub.follow(topic);
      feed.subscribe(new Subscriber());
    }
  }

  /**
   * Subscriptions reach their node asynchronously and start at the live end: posts (not recorded)
   * every 20 ms until every subscriber has received one.
   */
  private void postUntilEverySubscriberReceives() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!ready.await(20, TimeUnit.MILLISECONDS)) {
      if (System.nanoTime() > deadline || failedSubscribers.get() > 0) {
        throw new IllegalStateException(
            ready.getCount()
                + " of "
                + options.subscribers()
                + " subscribers received nothing; "
                + firstFailure.get());
      }
      post(Phase.READY, System.nanoTime());
    }
  }

  private Measured fixedRate(int rate, double seconds) throws InterruptedException {
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long posts = 0;
    String problem = "";
    for (long due = start; due < end; due += interval) {
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      if (outstandingPosts.get() > MAX_OUTSTANDING_POSTS) {
        problem = "posting stopped: " + MAX_OUTSTANDING_POSTS + " posts unanswered";
        break;
      }
      post(Phase.FIXED_RATE, due);
      posts++;
    }
    return result(Phase.FIXED_RATE, posts, start, System.nanoTime(), problem);
  }

  /** Posts as fast as events reach every subscriber, with {@code inFlight} of them under way. */
  private Measured closedLoop(Phase phase, double seconds) throws InterruptedException {
    inFlight.drainPermits();
    inFlight.release(options.inFlight());
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long posts = 0;
    String problem = "";
    while (System.nanoTime() < end) {
      if (!inFlight.tryAcquire(STALL.toSeconds(), TimeUnit.SECONDS)) {
        problem = "stalled: an event did not reach every subscriber in " + STALL.toSeconds() + " s";
        break;
      }
      post(phase, System.nanoTime());
      posts++;
    }
    return result(phase, posts, start, System.nanoTime(), problem);
  }

  private void post(Phase phase, long postedNanos) {
    long seq = ++sequence;
    if (phase.closedLoop()) {
      receipts.set((int) (seq & (RING - 1)), 0);
    }
    outstandingPosts.incrementAndGet();
    var unused =
        poster
            .post(new Post(run.source(), topic, seq, postedNanos, phase.code, TEXT))
            .whenComplete(
                (position, failure) -> {
                  outstandingPosts.decrementAndGet();
                  if (failure != null) {
                    refusedPosts.incrementAndGet();
                    firstFailure.compareAndSet("", "post: " + failure);
                  }
                });
  }

  /** Waits for the phase's events to arrive (until none arrives for 5 s), then sums it up. */
  private Measured result(Phase phase, long posts, long start, long postingEnd, String problem)
      throws InterruptedException {
    long expected = posts * options.subscribers();
    long lastCount = -1;
    long lastProgress = System.nanoTime();
    while (received[phase.code].sum() < expected
        && System.nanoTime() - lastProgress < TimeUnit.SECONDS.toNanos(5)) {
      Thread.sleep(10);
      long count = received[phase.code].sum();
      if (count != lastCount) {
        lastCount = count;
        lastProgress = System.nanoTime();
      }
    }
    long delivered = received[phase.code].sum();
    long last = Math.max(lastReceipt[phase.code].get(), start + 1);
    Histogram h = latencies[phase.code].getIntervalHistogram();
    List<String> problems = new ArrayList<>();
    if (!problem.isEmpty()) {
      problems.add(
          String.format(
              Locale.ROOT,
              "%s (%,d of %,d events delivered in the end)",
              problem,
              delivered,
              expected));
    }
    if (failedSubscribers.get() > 0) {
      problems.add(failedSubscribers.get() + " subscribers failed: " + firstFailure.get());
    } else if (refusedPosts.get() > 0) {
      problems.add(refusedPosts.get() + " posts refused: " + firstFailure.get());
    }
    return new Measured(
        posts,
        posts / ((postingEnd - start) / 1e9),
        delivered / ((last - start) / 1e9),
        delivered,
        expected,
        h.getValueAtPercentile(50),
        h.getValueAtPercentile(99),
        h.getMaxValue(),
        String.join("; ", problems));
  }

  @Override
  public void close() {
    subscriptions.forEach(Flow.Subscription::cancel);
    channels.forEach(RpcChannel::shutdownNow);
    if (posterChannel != null) {
      posterChannel.shutdownNow();
    }
  }

  /** Records each event's latency, counts it, and grants credit in halves of {@link #CREDIT}. */
  private final class Subscriber implements Flow.Subscriber<FeedEvent> {
    private Flow.Subscription subscription;
    private int sinceRequest;
    private boolean first = true;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      subscriptions.add(s);
      s.request(CREDIT);
    }

    @Override
    public void onNext(FeedEvent event) {
      long now = System.nanoTime();
      Phase phase = Phase.of(event.phase());
      if (phase.recorded()) {
        latencies[phase.code].recordValue(Math.max(0, (now - event.postedNanos()) / 1000));
        lastReceipt[phase.code].accumulate(now);
      }
      received[phase.code].increment();
      if (phase.closedLoop()) {
        int slot = (int) (event.sequence() & (RING - 1));
        if (receipts.incrementAndGet(slot) == options.subscribers()) {
          inFlight.release();
        }
      }
      if (first) {
        first = false;
        ready.countDown();
      }
      if (++sinceRequest == CREDIT / 2) {
        sinceRequest = 0;
        subscription.request(CREDIT / 2);
      }
    }

    @Override
    public void onError(Throwable t) {
      failedSubscribers.incrementAndGet();
      firstFailure.compareAndSet("", t.toString());
    }

    @Override
    public void onComplete() {
      failedSubscribers.incrementAndGet();
      firstFailure.compareAndSet("", "a node ended a subscription");
    }
  }
}
