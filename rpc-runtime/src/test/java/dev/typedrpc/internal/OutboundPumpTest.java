package dev.typedrpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.typedrpc.RpcException;
import dev.typedrpc.Status;
import dev.typedrpc.testing.MisbehavingPublishers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pump's answers to publishers that break the Reactive Streams rules, without a transport. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class OutboundPumpTest {

  /** A stream that takes {@code demand} items at a time and records what happens. */
  static final class Recorder implements OutboundPump.Target<String> {
    final List<String> sent = new ArrayList<>();
    long demand = Long.MAX_VALUE;
    int completions;
    final List<Throwable> failures = new ArrayList<>();

    @Override
    public long demand() {
      return demand - sent.size();
    }

    @Override
    public void send(String item) {
      sent.add(item);
    }

    @Override
    public void complete() {
      completions++;
    }

    @Override
    public void fail(Throwable error) {
      failures.add(error);
    }
  }

  private static Recorder pump(String how) {
    Recorder r = new Recorder();
    new OutboundPump<>(r).subscribeTo(MisbehavingPublishers.named(how));
    return r;
  }

  @Test
  void aPublisherEmittingFromRequestIsServedByALoopNotByRecursion() {
    Recorder r = new Recorder();
    // one item per request() call, each from within the previous onNext: recursion would overflow
    // the stack
    new OutboundPump<>(r).subscribeTo(new MisbehavingPublishers.Reentrant(300_000));
    assertThat(r.sent).hasSize(300_000);
    assertThat(r.completions).isEqualTo(1);
    assertThat(r.failures).isEmpty();
  }

  @Test
  void itemsBeyondDemandFailWithInternalOnce() {
    Recorder r = pump("no-demand");
    assertThat(r.sent).hasSize(OutboundPump.MAX_OUTSTANDING);
    assertThat(r.completions).isZero();
    assertThat(r.failures)
        .singleElement()
        .isInstanceOfSatisfying(
            RpcException.class,
            e -> {
              assertThat(e.status().code()).isEqualTo(Status.Code.INTERNAL);
              assertThat(e.status().description())
                  .isEqualTo(
                      "the publisher sent an item it was not asked for (Reactive Streams rule 1.1)");
            });
  }

  @Test
  void theFirstTerminalSignalWins() {
    for (String how : List.of("complete-twice", "next-after-complete")) {
      Recorder r = pump(how);
      assertThat(r.sent).as(how).containsExactly("a");
      assertThat(r.completions).as(how).isEqualTo(1);
      assertThat(r.failures).as(how).isEmpty();
    }
  }

  @Test
  void throwingFromRequestOrSubscribeFailsTheStream() {
    assertThat(pump("throw-in-request").failures)
        .singleElement()
        .hasFieldOrPropertyWithValue("message", "request failed");
    assertThat(pump("subscribe-throws").failures)
        .singleElement()
        .hasFieldOrPropertyWithValue("message", "subscribe failed");
  }

  @Test
  void nullFailsWithInternal() {
    assertThat(pump("null").failures)
        .singleElement()
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.status().description()).contains("rule 2.13"));
  }

  @Test
  void withoutDemandNothingIsRequested() {
    Recorder r = new Recorder();
    r.demand = 0;
    dev.typedrpc.testing.CountingPublisher<String> p =
        new dev.typedrpc.testing.CountingPublisher<>(10, i -> "i" + i);
    OutboundPump<String> pump = new OutboundPump<>(r);
    pump.subscribeTo(p);
    assertThat(p.requested.get()).isZero();
    r.demand = 3;
    pump.onReady();
    assertThat(r.sent).containsExactly("i0", "i1", "i2");
    pump.cancel();
    assertThat(p.cancelled.getCount()).isZero();
  }
}
