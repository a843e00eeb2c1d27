package dev.typedrpc.netty;

import dev.typedrpc.testing.AbstractTransportConformanceTest;
import java.net.URI;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared transport conformance suite over WebSocket on 127.0.0.1, with leak checks. */
@ExtendWith(LeakCheck.class)
class NettyTransportConformanceTest extends AbstractTransportConformanceTest {
  @Override
  protected URI listenUri() {
    return URI.create("ws://127.0.0.1:0/rpc");
  }
}
