package dev.typedrpc.stub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.typedrpc.CallKind;
import dev.typedrpc.CallOptions;
import dev.typedrpc.ChannelOptions;
import dev.typedrpc.ConnectionBackoff;
import dev.typedrpc.MethodDescriptor;
import dev.typedrpc.ResumePosition;
import dev.typedrpc.RpcChannel;
import dev.typedrpc.RpcException;
import dev.typedrpc.RpcServer;
import dev.typedrpc.ServerServiceDefinition;
import dev.typedrpc.ServiceDescriptor;
import dev.typedrpc.Status;
import dev.typedrpc.testing.TestCodecs;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client side of a resumable stream over the in-memory transport, against servers that end a
 * stream on purpose: what is resumed, what is dropped as a duplicate, what ends it.
 */
@Timeout(60)
class ResumingStreamTest {
  private static final MethodDescriptor<String, String> FEED =
      MethodDescriptor.of(
              "t.Feed", "Feed", CallKind.SERVER_STREAMING, TestCodecs.STRING, TestCodecs.STRING)
          .withResumePosition(Long::parseLong);

  private static final CallOptions OPTIONS =
      CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(30));

  /** The position each call started after ("-": none). */
  private final List<String> calls = new CopyOnWriteArrayList<>();

  private RpcServer server;
  private RpcChannel channel;

  /** Serves {@code answer}: for the n-th call (from 0), what it sends and how it ends. */
  private void serve(Function<Integer, Answer> answer) throws Exception {
    ServerServiceDefinition definition =
        ServerServiceDefinition.builder(ServiceDescriptor.of("t.Feed", 1, List.of(FEED)))
            .serverStreaming(
                FEED,
                request -> {
                  var after = ResumePosition.current();
                  int n = calls.size();
                  calls.add(after.isPresent() ? Long.toString(after.getAsLong()) : "-");
                  return answer.apply(n);
                })
            .build();
    URI address = URI.create("mem:resume-" + UUID.randomUUID());
    server = RpcServer.builder().listen(address).addService(definition).build().start();
    channel =
        RpcChannel.connect(
            address,
            ChannelOptions.DEFAULT.withConnectionBackoff(
                ConnectionBackoff.DEFAULT
                    .withInitialBackoff(Duration.ofMillis(10))
                    .withMaxBackoff(Duration.ofMillis(50))));
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.close();
    }
    if (server != null) {
      server.shutdownNow();
    }
  }

  private List<String> collect(CallOptions options) {
    try (Stream<String> s = ClientCalls.blockingServerStreaming(channel, FEED, options, "x")) {
      return s.collect(Collectors.toList());
    }
  }

  @Test
  void anEventAtOrBeforeTheLastDeliveredPositionIsDropped() throws Exception {
    serve(
        n ->
            n == 0
                ? new Answer(range(1, 5), Status.UNAVAILABLE.withDescription("going away"))
                : new Answer(range(3, 10), Status.OK));
    assertThat(collect(OPTIONS)).containsExactlyElementsOf(range(1, 10));
    assertThat(calls).containsExactly("-", "5");
  }

  @Test
  void theCallersStartingPositionIsSentAndKept() throws Exception {
    serve(
        n ->
            n == 0
                ? new Answer(range(41, 45), Status.UNAVAILABLE)
                : new Answer(range(46, 47), Status.OK));
    assertThat(collect(OPTIONS.withResumeAfter(40))).containsExactlyElementsOf(range(41, 47));
    assertThat(calls).containsExactly("40", "45");
  }

  @Test
  void anotherStatusEndsTheStream() throws Exception {
    serve(n -> new Answer(range(1, 3), Status.DATA_LOSS.withDescription("gone")));
    List<String> got = new ArrayList<>();
    assertThatThrownBy(
            () -> {
              try (Stream<String> s =
                  ClientCalls.blockingServerStreaming(channel, FEED, OPTIONS, "x")) {
                s.forEach(got::add);
              }
            })
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DATA_LOSS));
    assertThat(got).containsExactlyElementsOf(range(1, 3));
    assertThat(calls).containsExactly("-");
  }

  @Test
  void theDeadlineBoundsTheWholeSubscription() throws Exception {
    serve(n -> new Answer(List.of(), Status.UNAVAILABLE.withDescription("never")));
    CallOptions shortly = CallOptions.DEFAULT.withTimeout(Duration.ofMillis(500));
    assertThatThrownBy(() -> collect(shortly))
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> assertThat(e.status().code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(calls.size()).as("calls").isGreaterThan(1);
  }

  @Test
  void aPublisherSubscriptionCancelledEndsIt() throws Exception {
    serve(n -> new Answer(range(1, 3), Status.UNAVAILABLE));
    java.util.concurrent.CompletableFuture<Void> cancelled =
        new java.util.concurrent.CompletableFuture<>();
    ClientCalls.serverStreaming(channel, FEED, OPTIONS, "x")
        .subscribe(
            new Flow.Subscriber<String>() {
              @Override
              public void onSubscribe(Flow.Subscription s) {
                s.cancel();
                cancelled.complete(null);
              }

              @Override
              public void onNext(String item) {
                cancelled.completeExceptionally(new AssertionError("got " + item));
              }

              @Override
              public void onError(Throwable t) {
                cancelled.completeExceptionally(t);
              }

              @Override
              public void onComplete() {
                cancelled.completeExceptionally(new AssertionError("completed"));
              }
            });
    cancelled.join();
    assertThat(calls.size()).isLessThanOrEqualTo(1);
  }

  private static List<String> range(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      out.add(Integer.toString(i));
    }
    return out;
  }

  /** Sends {@code items} as they are asked for, then ends with {@code end}. */
  private record Answer(List<String> items, Status end) implements Flow.Publisher<String> {
    @Override
    public void subscribe(Flow.Subscriber<? super String> subscriber) {
      subscriber.onSubscribe(
          new Flow.Subscription() {
            private int next;
            private boolean ended;

            @Override
            public synchronized void request(long n) {
              for (long i = 0; i < n && next < items.size(); i++) {
                subscriber.onNext(items.get(next++));
              }
              if (next == items.size() && !ended) {
                ended = true;
                if (end.isOk()) {
                  subscriber.onComplete();
                } else {
                  subscriber.onError(end.asException());
                }
              }
            }

            @Override
            public void cancel() {
              ended = true;
            }
          });
    }
  }
}
