package dev.typedrpc.inmemory;

import dev.typedrpc.testing.AbstractTransportConformanceTest;
import java.net.URI;
import java.util.UUID;

class InMemoryTransportConformanceTest extends AbstractTransportConformanceTest {
  @Override
  protected URI listenUri() {
    return URI.create("mem:conformance-" + UUID.randomUUID());
  }
}
