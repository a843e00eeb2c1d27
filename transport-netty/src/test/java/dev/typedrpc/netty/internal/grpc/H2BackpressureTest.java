package dev.typedrpc.netty.internal.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcServer;
import dev.typedrpc.netty.LeakCheck;
import dev.typedrpc.stub.ClientCalls;
import dev.typedrpc.testing.ConformanceService;
import dev.typedrpc.testing.CountingPublisher;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A reader that stops bounds what an HTTP/2 server produces, over real sockets. The server runs its
 * calls on the event loop (a direct executor), so its publisher emits inside the transport's own
 * writes and flushes are deferred to the end of the loop's turn: only the stream's demand stops it,
 * once the client's stream window is used up and at most {@link H2Limits#SEND_BUFFER} bytes wait
 * for the socket.
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class H2BackpressureTest {
  /** Each item ("item-N") takes at least 12 bytes framed. */
  private static final long MAX_AHEAD =
      (H2Limits.STREAM_WINDOW + H2Limits.SEND_BUFFER) / 12 + H2Limits.SEND_WINDOW + 1;

  private final ConformanceService service = new ConformanceService();
  private RpcServer server;
  private RpcChannel channel;

  @BeforeEach
  void start() throws Exception {
    server =
        RpcServer.builder()
            .listen(URI.create("ws://127.0.0.1:0/rpc"))
            .addService(service.definition())
            .executor(Runnable::run)
            .build()
            .start();
    channel =
        RpcChannel.connect(
            URI.create("h2c://127.0.0.1:" + server.address().getPort()), ChannelOptions.DEFAULT);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    assertThat(channel.awaitTermination(Duration.ofSeconds(10))).isTrue();
    server.shutdownNow();
    assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void aStoppedReaderBoundsWhatTheServerProducesAndResumingDrainsIt() throws Exception {
    Reader reader = new Reader();
    ClientCalls.serverStreaming(channel, ConformanceService.COUNT, CallOptions.DEFAULT, "1000000")
        .subscribe(reader);
    assertThat(reader.first.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(reader.error.get()).isNull();
    CountingPublisher<String> p = service.lastCount.get();

    // the server produces ahead of the one item asked for: wait for that before it settles
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (p.emitted.get() < 2 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    long stalled = settled(p);
    assertThat(stalled).as("items produced while the client reads one").isBetween(2L, MAX_AHEAD);

    long more = 2 * MAX_AHEAD; // more than the windows let through without the reader's updates
    reader.expect(1 + more);
    reader.subscription.get().request(more);
    assertThat(reader.all.await(60, TimeUnit.SECONDS))
        .as(
            "the stream resumes once the reader asks again (%s of %s received, %s emitted)",
            reader.received, 1 + more, p.emitted)
        .isTrue();
    assertThat(reader.error.get()).isNull();
    assertThat(settled(p))
        .as("items produced ahead after resuming")
        .isLessThanOrEqualTo(1 + more + MAX_AHEAD);

    reader.subscription.get().cancel();
    assertThat(p.cancelled.await(30, TimeUnit.SECONDS))
        .as("cancel reached the server's publisher")
        .isTrue();
  }

  /** What the publisher has emitted once it stopped for a while. */
  private static long settled(CountingPublisher<String> p) throws InterruptedException {
    long last = -1;
    long now = p.emitted.get();
    while (now != last) {
      last = now;
      Thread.sleep(300);
      now = p.emitted.get();
    }
    return now;
  }

  /** Asks for one item, then for more only when the test says so. */
  private static final class Reader implements Flow.Subscriber<String> {
    final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final CountDownLatch first = new CountDownLatch(1);
    volatile CountDownLatch all = new CountDownLatch(1);
    private volatile long expected = Long.MAX_VALUE;
    final AtomicLong received = new AtomicLong();

    void expect(long total) {
      all = new CountDownLatch(1);
      expected = total;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription.set(s);
      s.request(1);
    }

    @Override
    public void onNext(String item) {
      long n = received.incrementAndGet();
      first.countDown();
      if (n == expected) {
        all.countDown();
      }
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
      first.countDown();
      all.countDown();
    }

    @Override
    public void onComplete() {}
  }
}
