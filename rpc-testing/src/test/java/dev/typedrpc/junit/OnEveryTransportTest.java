package dev.typedrpc.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** {@link OnEveryTransport} runs a class once per transport, each over its own transport. */
class OnEveryTransportTest {
  @Test
  void aClassRunsOncePerTransportEachOverItsOwn() {
    EveryTransportFixture.seen.clear();
    Events tests = run(EveryTransportFixture.class).testEvents();
    tests.assertStatistics(s -> s.started(4).succeeded(4).failed(0));
    assertThat(EveryTransportFixture.seen).containsExactly("mem", "ws", "h2c", "sse");
  }

  @Test
  void theAnnotationNarrowsTheTransports() {
    EveryTransportFixture.Narrowed.seen.clear();
    run(EveryTransportFixture.Narrowed.class)
        .testEvents()
        .assertStatistics(s -> s.started(2).succeeded(2));
    assertThat(EveryTransportFixture.Narrowed.seen).containsExactly("ws", "sse");
  }

  @Test
  void anUnknownTransportFailsTheClassWithTheKnownOnes() {
    var containers = run(EveryTransportFixture.Unknown.class).containerEvents();
    assertThat(containers.failed().stream())
        .anySatisfy(
            e ->
                assertThat(
                        e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                            .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                            .map(Throwable::getMessage)
                            .orElse(""))
                    .contains("carrier-pigeon")
                    .contains("[mem, ws, h2c, sse]"));
  }

  private static org.junit.platform.testkit.engine.EngineExecutionResults run(Class<?> fixture) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture)).execute();
  }
}
