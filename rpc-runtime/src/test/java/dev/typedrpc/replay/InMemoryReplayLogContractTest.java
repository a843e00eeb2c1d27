package dev.typedrpc.replay;

import dev.typedrpc.testing.AbstractReplayLogContractTest;

/** {@link InMemoryReplayLog} keeps the {@link ReplayLog} contract. */
class InMemoryReplayLogContractTest extends AbstractReplayLogContractTest {
  @Override
  protected ReplayLog<String, String> log(int window) {
    return InMemoryReplayLog.<String, String>builder().window(window).build();
  }
}
