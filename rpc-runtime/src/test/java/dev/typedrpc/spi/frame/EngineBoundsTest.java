package dev.typedrpc.spi.frame;

import static dev.typedrpc.spi.frame.FrameConnectionTest.callStart;
import static dev.typedrpc.spi.frame.FrameConnectionTest.frame;
import static dev.typedrpc.spi.frame.FrameConnectionTest.statusOf;
import static dev.typedrpc.spi.frame.FrameConnectionTest.stringMessage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.CallKind;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.internal.ServerImpl;
import dev.typedrpc.spi.TransportSettings;
import dev.typedrpc.testing.ConformanceService;
import dev.typedrpc.testing.TestCodecs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine's memory bounds against a peer that ignores them: inbound credit never beyond what may
 * be buffered, and the outbound bound for a peer that does not read. The peer is played by
 * hand-made frames.
 */
@Timeout(10)
class EngineBoundsTest {
  private static final MethodDescriptor<String, String> DRAIN =
      MethodDescriptor.of(
          "bounds.Sink", "Drain", CallKind.CLIENT_STREAMING, TestCodecs.STRING, TestCodecs.STRING);

  private final CapturingSink sink = new CapturingSink();

  /** The server's application executor, run only when a test says: a stalled application. */
  private final ArrayDeque<Runnable> app = new ArrayDeque<>();

  private final AtomicInteger received = new AtomicInteger();
  private FrameConnection conn;

  private void open(TransportSettings settings, ServerServiceDefinition definition) {
    conn = FrameConnection.server(sink, settings, new ServerImpl(List.of(definition), app::add));
    conn.onOpen();
    sink.take(FrameType.SETTINGS);
    conn.onFrame(frame(FrameType.SETTINGS, 0, 0, new byte[] {0x08, 0x01}));
  }

  /**
   * A client-streaming method whose subscriber asks for everything at once and counts what it gets.
   */
  private ServerServiceDefinition drainingService() {
    return ServerServiceDefinition.builder(ServiceDescriptor.of("bounds.Sink", 1, List.of(DRAIN)))
        .clientStreaming(
            DRAIN,
            requests -> {
              CompletableFuture<String> done = new CompletableFuture<>();
              requests.subscribe(
                  new Flow.Subscriber<String>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                      s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(String item) {
                      received.incrementAndGet();
                    }

                    @Override
                    public void onError(Throwable t) {
                      done.completeExceptionally(t);
                    }

                    @Override
                    public void onComplete() {
                      done.complete("done");
                    }
                  });
              return done;
            })
        .build();
  }

  private void runApp() {
    while (!app.isEmpty()) {
      app.poll().run();
    }
  }

  private int creditGranted(int stream) throws ProtocolException {
    int total = 0;
    for (ByteBuffer f : sink.take(FrameType.CREDIT)) {
      f.position(2);
      assertThat(FrameReader.readVarint32(f, "id")).isEqualTo(stream);
      total += FrameReader.readVarint32(f, "credit");
    }
    return total;
  }

  @Test
  void subscriberRequestingLongMaxValueHoldsAtMostTheBoundWhileTheApplicationStalls()
      throws Exception {
    open(TransportSettings.DEFAULT.withMaxBufferedMessages(16), drainingService());
    conn.onFrame(callStart(1, DRAIN.fullName(), 1));
    runApp(); // the subscriber subscribes and requests Long.MAX_VALUE; from now on the application
    // stalls
    int credit = 1 + creditGranted(1); // every stream starts with one credit
    assertThat(credit).isEqualTo(16); // maxBufferedMessages, not the subscriber's Long.MAX_VALUE

    // the peer sends all the credit it is given, over and over, while the application takes nothing
    int sent = 0;
    while (credit > 0) {
      for (int i = 0; i < credit; i++) {
        conn.onFrame(frame(FrameType.MESSAGE, 0, 1, stringMessage("m" + sent++)));
      }
      credit = creditGranted(1);
    }
    // what waits for the stalled application is bounded by the call's request window
    assertThat(sent).isEqualTo(64);
    assertThat(sink.take(FrameType.STATUS)).isEmpty();

    // one message more than granted: the call fails with a precise status, the connection stays
    conn.onFrame(frame(FrameType.MESSAGE, 0, 1, stringMessage("beyond")));
    Status status = statusOf(sink.take(FrameType.STATUS).get(0));
    assertThat(status.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.description())
        .isEqualTo(
            "message received beyond flow-control credit for bounds.Sink/Drain (0 buffered, limit 16)");
    assertThat(sink.closed).isFalse();
    runApp();
    assertThat(received.get()).isLessThanOrEqualTo(64);
  }

  @Test
  void creditFollowsTheSubscriberAsItTakesMessages() throws Exception {
    open(TransportSettings.DEFAULT.withMaxBufferedMessages(16), drainingService());
    conn.onFrame(callStart(1, DRAIN.fullName(), 1));
    runApp();
    int credit = 1 + creditGranted(1);
    int sent = 0;
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < credit; i++) {
        conn.onFrame(frame(FrameType.MESSAGE, 0, 1, stringMessage("m" + sent++)));
      }
      runApp(); // the application keeps up: credit keeps coming, a window at a time
      credit = creditGranted(1);
      assertThat(credit).isBetween(1, 16);
    }
    conn.onFrame(frame(FrameType.HALF_CLOSE, 0, 1, new byte[0]));
    runApp();
    assertThat(received.get()).isEqualTo(sent);
    assertThat(statusOf(sink.take(FrameType.STATUS).get(0)).isOk()).isTrue();
  }

  @Test
  void peerThatDoesNotReadPastTheByteBoundIsClosed() throws IOException {
    open(
        TransportSettings.DEFAULT.withMaxQueuedOutboundBytes(65_536),
        new ConformanceService().definition());
    conn.onFrame(callStart(1, ConformanceService.SLEEP.fullName(), 1));
    conn.onFrame(frame(FrameType.MESSAGE, FrameType.FLAG_END_STREAM, 1, stringMessage("x")));
    runApp();
    sink.writable = false;
    sink.queued = 65_537;
    conn.onFrame(frame(FrameType.PING, 0, 0, new byte[8]));
    assertThat(sink.aborted).isTrue();
    assertThat(conn.isClosed()).isTrue();
    assertThat(conn.openStreams()).isZero();
    conn.onFrame(frame(FrameType.PING, 0, 0, new byte[8])); // read after the close: ignored
  }

  @Test
  void fullOutboundBufferPausesReadingUntilItDrains() throws IOException {
    open(TransportSettings.DEFAULT, new ConformanceService().definition());
    sink.writable = false;
    sink.queued = 70_000;
    conn.onFrame(frame(FrameType.PING, 0, 0, new byte[8]));
    assertThat(sink.reading).isFalse();
    assertThat(sink.aborted).isFalse();
    sink.writable = true;
    conn.onWritabilityChanged();
    assertThat(sink.reading).isTrue();
    assertThat(sink.aborted).isFalse();
  }

  @Test
  void outboundBufferFullForTheStallTimeoutClosesTheConnection() throws Exception {
    open(
        TransportSettings.DEFAULT.withOutboundStallTimeout(Duration.ofMillis(100)),
        new ConformanceService().definition());
    sink.writable = false;
    sink.queued = 70_000;
    conn.onFrame(frame(FrameType.PING, 0, 0, new byte[8]));
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!sink.aborted && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(sink.aborted).isTrue();
  }

  @Test
  void queueThatGoesDownIsNotAStall() throws Exception {
    open(
        TransportSettings.DEFAULT.withOutboundStallTimeout(Duration.ofMillis(100)),
        new ConformanceService().definition());
    sink.writable = false;
    sink.queued = 70_000;
    conn.onFrame(frame(FrameType.PING, 0, 0, new byte[8]));
    sink.queued = 40_000; // the peer reads: the queue goes down, then empties
    sink.writable = true;
    conn.onWritabilityChanged();
    Thread.sleep(60);
    sink.queued = 0;
    Thread.sleep(300);
    assertThat(sink.aborted).isFalse();
  }
}
