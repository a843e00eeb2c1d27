package dev.typedrpc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.Metadata;
import dev.typedrpc.ResponseMetadata;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.RpcStubs;
import dev.typedrpc.Status;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@code Stream<R>} method and per-call options through the generated stub, over WebSocket and
 * gRPC over HTTP/2 on loopback.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FeedIT {
  private final FeedImpl impl = new FeedImpl();
  private RpcServer server;
  private RpcChannel channel;

  private Feed connect(String scheme) throws Exception {
    server =
        RpcServer.builder()
            .listen("ws://127.0.0.1:0/rpc")
            .addService(FeedRpc.bind(impl))
            .build()
            .start();
    URI ws = server.address();
    URI target = scheme.equals("ws") ? ws : URI.create("h2c://127.0.0.1:" + ws.getPort());
    channel = RpcChannel.connect(target);
    return channel.stub(Feed.class);
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.shutdownNow();
      assertThat(server.awaitTermination(Duration.ofSeconds(10))).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "h2c"})
  void aStreamIsIteratedToTheEnd(String scheme) throws Exception {
    Feed feed = connect(scheme);
    try (Stream<Tick> ticks = feed.ticks(10_000)) {
      assertThat(ticks.mapToLong(Tick::n).sum()).isEqualTo(10_000L * 9_999 / 2);
    }
    assertThat(impl.closed.await(10, TimeUnit.SECONDS))
        .as("the server's Stream was closed")
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "h2c"})
  void closingTheStreamEarlyCancelsTheCallAndTheServerStopsProducing(String scheme)
      throws Exception {
    Feed feed = connect(scheme);
    try (Stream<Tick> ticks = feed.ticks(Long.MAX_VALUE)) {
      Iterator<Tick> it = ticks.iterator();
      for (int i = 0; i < 50; i++) {
        assertThat(it.next().n()).isEqualTo(i);
      }
    }
    assertThat(impl.closed.await(10, TimeUnit.SECONDS))
        .as("cancelling closed the server's Stream")
        .isTrue();
    // ws: the client asked for 32 ahead, and the server's pump asks its Stream for at most 32 more
    // per credit window. h2c has no message credit: the server runs ahead as far as HTTP/2's stream
    // window (64 KiB) and the stream's send buffer (32 KiB) let it, messages of at least 6 bytes
    // framed, until the cancellation arrives
    long bound = scheme.equals("ws") ? 1_000 : (65_535 + 32_768) / 6 + 32;
    assertThat(impl.produced.get()).isLessThan(bound);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ws", "h2c"})
  void perCallOptionsAndResponseMetadataThroughTheStub(String scheme) throws Exception {
    Feed feed = connect(scheme);
    ResponseMetadata response = new ResponseMetadata();
    Feed view =
        RpcStubs.withOptions(
            feed, o -> o.withMetadata(Metadata.of("x-user", "ana")).withResponseMetadata(response));
    assertThat(view.whoAmI()).isEqualTo("ana");
    assertThat(response.headers().get("x-served-by")).isEqualTo("feed");
    assertThat(response.trailers().get("x-cost")).isEqualTo("1");
    assertThat(response.status().isOk()).isTrue();
    assertThat(feed.whoAmI()).as("the stub itself is unchanged").isEqualTo("anonymous");
    assertThat(RpcStubs.withCompression(view, "gzip").whoAmI()).isEqualTo("ana");

    impl.closed = new CountDownLatch(1);
    Feed hurried = RpcStubs.withDeadlineAfter(feed, Duration.ofMillis(300));
    assertThatThrownBy(
            () -> {
              try (Stream<Tick> ticks = hurried.ticks(Long.MAX_VALUE)) {
                ticks.forEach(t -> sleepQuietly());
              }
            })
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
